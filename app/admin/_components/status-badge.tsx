import { STATUS_LABELS, type StatusLevel } from '@/lib/admin/view/status-level';

/** The state as a coloured pill with its word (never colour alone). */
export function StatusBadge({ level }: { level: StatusLevel }) {
  return <span className={`badge level-${level}`}>{STATUS_LABELS[level]}</span>;
}
