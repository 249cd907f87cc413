import type { Metadata } from 'next';
import { SpeakerView } from '../speaker-view';

export const metadata: Metadata = { title: 'yieldroom · speaker view' };

export default async function SpeakerPage({ params }: { params: Promise<{ code: string }> }) {
  const { code } = await params;
  return <SpeakerView code={code.toUpperCase()} />;
}
