import { formatRelative, formatUtc } from '@/lib/admin/view/format-time';

/** A time as "5 min ago", with the exact UTC time on hover and for machines. */
export function TimeText({ at, now }: { at: number; now: number }) {
  return (
    <time dateTime={new Date(at).toISOString()} title={formatUtc(at)}>
      {formatRelative(at, now)}
    </time>
  );
}
