import { randomBytes } from 'node:crypto';
import type { GatewayConfig } from '@/lib/config/env';
import { listManagedKeys } from '@/lib/keys/list-managed-keys';
import type { ManagedKeyRecord } from '@/lib/keys/managed-key';
import { readKeysUsage, type DayUsage, type KeyUsageSummary, type UsageTotals } from '@/lib/keys/read-keys-usage';
import { readRecentRequests } from '@/lib/metrics/read-recent-requests';
import { RECENT_REQUESTS_KEPT } from '@/lib/metrics/record-request';
import type { RequestRecord } from '@/lib/metrics/request-record';
import type { Store } from '@/lib/store/store';
import type { PanelState } from '../status-level';
import { layoutUsageChart, type UsageChart } from '../traffic-chart';

/** What the keys panel reads from the store. */
export interface KeysPanelSource {
  records: ManagedKeyRecord[];
  usage: Map<string, KeyUsageSummary>;
  /** The recent request records (lib/metrics), for each key's last requests. */
  recent: RequestRecord[];
}

/** One of a managed key's last requests (from the recent list: no content, no secret). */
export interface KeyRequestView {
  at: number;
  model?: string;
  status: number;
  durationMs: number;
  /** A fixed error code, else how the answer ended. */
  ended?: string;
  tokens?: number;
}

/** A managed key as the panel shows it: its settings (never the key nor its hash), usage and last requests. */
export interface ManagedKeyView {
  id: string;
  name: string;
  models?: string[];
  rpm?: number;
  maxConcurrent?: number;
  dailyTokens?: number;
  expiresAt?: number;
  createdAt: number;
  revokedAt?: number;
  /** ISO text as stored, for the change form's fields. */
  expiresAtText?: string;
  state: 'active' | 'revoked' | 'expired';
  usage: { today: UsageTotals; last30Days: UsageTotals; days: DayUsage[]; lastUsedAt?: number; chart: UsageChart };
  recent: KeyRequestView[];
}

export interface KeysPanel extends PanelState {
  /** False when the keys could not be read. */
  available: boolean;
  managed: ManagedKeyView[];
  /** API_KEYS entries, by name only: read-only, changed by a redeploy. */
  environment: string[];
  /** What a key without its own rpm / maxConcurrent gets. */
  defaults: { rpm: number; maxConcurrent: number };
  /** A random id for this rendering's "Create a key" form: the action makes one key per form id (lib/admin/actions/create-key.ts). */
  createFormId: string;
}

/** A key's last requests shown under its chart. */
export const RECENT_REQUESTS_PER_KEY = 5;

/**
 * The managed keys, every key's usage and the recent requests: three store commands whatever
 * the number of keys (HGETALL of the records, one script for every usage hash, LRANGE of the
 * recent list), one when no managed key exists.
 */
export async function readKeysPanelSource(store: Store, now: number): Promise<KeysPanelSource> {
  const records = await listManagedKeys(store);
  if (records.length === 0) return { records, usage: new Map(), recent: [] };
  const [usage, recent] = await Promise.all([
    readKeysUsage(store, records.map((record) => record.id), now),
    readRecentRequests(store, RECENT_REQUESTS_KEPT),
  ]);
  return { records, usage, recent };
}

/** The keys panel: every key with its limits, usage (today, 30 days, per day) and last requests. */
export function describeKeysPanel(input: { source?: KeysPanelSource; config: Pick<GatewayConfig, 'clientKeys' | 'limits'>; now: number; problem?: string }): KeysPanel {
  const environment = input.config.clientKeys.map((clientKey) => clientKey.name);
  const defaults = { rpm: input.config.limits.requestsPerMinute, maxConcurrent: input.config.limits.maxConcurrentPerKey };
  const createFormId = randomBytes(16).toString('base64url');
  if (!input.source) {
    return { available: false, managed: [], environment, defaults, createFormId, level: 'unknown', reason: input.problem ?? 'The managed keys could not be read from the store.' };
  }
  const { records, usage, recent } = input.source;
  const managed = records.map((record) => describeKey(record, usage.get(record.id), recent, input.now));
  const active = managed.filter((key) => key.state === 'active').length;
  const today = managed.reduce((sum, key) => ({ requests: sum.requests + key.usage.today.requests, errors: sum.errors + key.usage.today.errors }), { requests: 0, errors: 0 });
  const base = { available: true, managed, environment, defaults, createFormId };
  if (managed.length === 0 && environment.length === 0) {
    return { ...base, level: 'green', reason: 'No client key yet: create one below (or set API_KEYS). Once one exists, every request needs a key.' };
  }
  const inactive = managed.length - active;
  const reason =
    `${managed.length} managed key(s)${inactive > 0 ? ` (${inactive} revoked or expired)` : ''}, ${environment.length} from API_KEYS; ` +
    `managed keys today: ${today.requests} request(s), ${today.errors} error(s).`;
  return { ...base, level: 'green', reason };
}

function describeKey(record: ManagedKeyRecord, summary: KeyUsageSummary | undefined, recent: readonly RequestRecord[], now: number): ManagedKeyView {
  const empty = { requests: 0, promptTokens: 0, completionTokens: 0, errors: 0 };
  const days = summary?.days ?? [];
  const expiresAt = record.expiresAt === undefined ? undefined : Date.parse(record.expiresAt);
  const lastUsedAt = summary?.lastUsedAt ? Date.parse(summary.lastUsedAt) : undefined;
  return {
    id: record.id,
    name: record.name,
    models: record.models,
    rpm: record.rpm,
    maxConcurrent: record.maxConcurrent,
    dailyTokens: record.dailyTokens,
    expiresAt,
    expiresAtText: record.expiresAt,
    createdAt: Date.parse(record.createdAt),
    revokedAt: record.revokedAt === undefined ? undefined : Date.parse(record.revokedAt),
    state: record.revokedAt !== undefined ? 'revoked' : expiresAt !== undefined && expiresAt <= now ? 'expired' : 'active',
    usage: {
      today: summary?.today ?? empty,
      last30Days: summary?.last30Days ?? empty,
      days,
      lastUsedAt,
      chart: layoutUsageChart(days.map((day) => ({ dayStart: Date.parse(`${day.day}T00:00:00Z`), requests: day.requests, errors: day.errors, tokens: day.promptTokens + day.completionTokens }))),
    },
    recent: recent
      .filter((entry) => entry.keyId === record.id)
      .slice(0, RECENT_REQUESTS_PER_KEY)
      .map((entry) => ({
        at: entry.at,
        model: entry.model,
        status: entry.status,
        durationMs: entry.durationMs,
        ended: entry.error ?? entry.finishReason,
        tokens: entry.promptTokens === undefined && entry.completionTokens === undefined ? undefined : (entry.promptTokens ?? 0) + (entry.completionTokens ?? 0),
      })),
  };
}
