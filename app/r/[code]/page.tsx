import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { FIRST_SLIDE_HEADER, decodeFirstSlide } from '../../../server/protocol/first-slide';
import { StudentRoom } from './student-room';

export const metadata: Metadata = { title: 'yieldroom · live' };

export default async function StudentPage({ params }: { params: Promise<{ code: string }> }) {
  const { code } = await params;
  const firstSlide = decodeFirstSlide((await headers()).get(FIRST_SLIDE_HEADER));
  return <StudentRoom code={code.toUpperCase()} firstSlide={firstSlide} />;
}
