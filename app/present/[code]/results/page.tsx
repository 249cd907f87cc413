import type { Metadata } from 'next';
import { ResultsView } from './results-view';

export const metadata: Metadata = { title: 'yieldroom · results' };

export default async function ResultsPage({ params }: { params: Promise<{ code: string }> }) {
  const { code } = await params;
  return <ResultsView code={code.toUpperCase()} />;
}
