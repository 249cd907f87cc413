/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Keep `next dev` from calling the registry; classrooms are often offline.
  experimental: { agentUpgrade: false },
};

export default nextConfig;
