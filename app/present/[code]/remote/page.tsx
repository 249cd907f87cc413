import type { Metadata } from 'next';
import { SpeakerView } from '../speaker-view';

export const metadata: Metadata = { title: 'yieldroom · clicker' };

/** Where a paired phone lands: the speaker view, which is also a clicker at phone size. */
export default async function RemotePage({ params }: { params: Promise<{ code: string }> }) {
  const { code } = await params;
  return <SpeakerView code={code.toUpperCase()} />;
}
