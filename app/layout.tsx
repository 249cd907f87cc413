import type { Metadata, Viewport } from 'next';
import './globals.css';

export const metadata: Metadata = { title: 'yieldroom', description: 'A live classroom deck' };
export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#0f172a' };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
