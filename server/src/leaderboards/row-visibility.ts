import { canReadPrivate, type Principal } from '../auth/scopes.ts';
import type { MetadataStore } from '../metadata/metadata-store.ts';
import type { LeaderboardRow } from './benchmark.ts';

/** Rows of private models are left out for callers who may not see those models, like the models themselves. */
export async function visibleRows(
  meta: MetadataStore,
  principal: Principal,
  rows: LeaderboardRow[],
): Promise<LeaderboardRow[]> {
  const verdicts = new Map<string, boolean>();
  const shown: LeaderboardRow[] = [];
  for (const row of rows) {
    if (!row.model) {
      shown.push(row);
      continue;
    }
    let visible = verdicts.get(row.model.toLowerCase());
    if (visible === undefined) {
      const [namespace, name] = row.model.split('/');
      const model = await meta.getModel({ namespace, name });
      visible = !model?.private || canReadPrivate(principal, model.namespace);
      verdicts.set(row.model.toLowerCase(), visible);
    }
    if (visible) shown.push(row);
  }
  return shown;
}
