/** The settings a session is created with — the saveSession body of docs/xipu-protocol. */
export interface SessionSettings {
  name: string;
  model: string;
  temperature: number;
  /** 0 means no limit. */
  maxToken: number;
  presencePenalty: number;
  frequencyPenalty: number;
}

/** One question and the reply the session gave (what the server feeds back to the model). */
export interface SessionTurn {
  text: string;
  reply: string;
}

/** Who created a session: the gateway through the API, or the account owner's browser. */
export type SessionCreator = 'api' | 'browser';

export interface SimulatedSession extends SessionSettings {
  id: number;
  account: string;
  createdBy: SessionCreator;
  /** Epoch ms. */
  createdAt: number;
  turns: SessionTurn[];
}

/** The name the web client gives a new chat. */
export const browserSessionName = 'New Chat';

/** Defaults for settings a saveSession body leaves out (the browser's own defaults are unknown). */
export const defaultSessionSettings: Omit<SessionSettings, 'model'> = {
  name: browserSessionName,
  temperature: 1,
  maxToken: 0,
  presencePenalty: 0,
  frequencyPenalty: 0,
};

export interface SessionBook {
  create(account: string, settings: SessionSettings, createdBy: SessionCreator): SimulatedSession;
  /** The account's session with this id; another account's session is not found. */
  find(account: string, id: number): SimulatedSession | undefined;
  countFor(account: string): number;
  /** Deletes the listed sessions the account has; ignores the rest. @returns how many went. */
  delete(account: string, ids: readonly number[]): number;
  list(): SimulatedSession[];
  /** Forgets every session. Ids keep counting up, so an id from before stays unknown. */
  clear(): void;
}

/**
 * Every account's sessions. Ids are incrementing integers shared by all accounts, like rows
 * of one table.
 */
export function createSessionBook(options: { now: () => number }): SessionBook {
  const sessions = new Map<number, SimulatedSession>();
  let nextId = 1;

  const find = (account: string, id: number) => {
    const session = sessions.get(id);
    return session?.account === account ? session : undefined;
  };

  return {
    create(account, settings, createdBy) {
      const session: SimulatedSession = { ...settings, id: nextId, account, createdBy, createdAt: options.now(), turns: [] };
      nextId += 1;
      sessions.set(session.id, session);
      return session;
    },
    find,
    countFor(account) {
      let count = 0;
      for (const session of sessions.values()) if (session.account === account) count += 1;
      return count;
    },
    delete(account, ids) {
      let deleted = 0;
      for (const id of new Set(ids)) {
        if (find(account, id) !== undefined) {
          sessions.delete(id);
          deleted += 1;
        }
      }
      return deleted;
    },
    list() {
      return [...sessions.values()];
    },
    clear() {
      sessions.clear();
    },
  };
}
