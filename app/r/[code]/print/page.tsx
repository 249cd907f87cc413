import type { Metadata } from 'next';
import { PrintDeck } from './print-deck';

export const metadata: Metadata = { title: 'yieldroom · slides to print' };

export default async function PrintPage({ params }: { params: Promise<{ code: string }> }) {
  const { code } = await params;
  return <PrintDeck code={code.toUpperCase()} />;
}
