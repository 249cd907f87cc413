import type { Metadata } from 'next';
import { PresenterRoom } from './presenter-room';

export const metadata: Metadata = { title: 'yieldroom · presenting' };

export default async function PresenterPage({ params }: { params: Promise<{ code: string }> }) {
  const { code } = await params;
  return <PresenterRoom code={code.toUpperCase()} />;
}
