import type { Metadata } from 'next';
import { StudentRoom } from './student-room';

export const metadata: Metadata = { title: 'yieldroom · live' };

export default async function StudentPage({ params }: { params: Promise<{ code: string }> }) {
  const { code } = await params;
  return <StudentRoom code={code.toUpperCase()} />;
}
