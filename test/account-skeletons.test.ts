/**
 * account_skeleton(), the database function that decides which usernames
 * and e-mails look alike, and the character table it is built from.
 */
import { createRequire } from 'node:module';
import { QueryTypes } from 'sequelize';
import { describe, expect, it } from 'vitest';
import { buildSkeletonMap } from '../scripts/skeleton-map.js';
import { sequelize } from '../src/db.js';
import { useTestApp } from './support/context.js';

useTestApp();
const map = createRequire(import.meta.url)('../db/skeleton-map.cjs') as { unicodeVersion: string; pairs: string[][] };

const skeleton = async (name: string): Promise<string> => {
  const [row] = await sequelize.query<{ skeleton: string }>('SELECT account_skeleton($1) AS skeleton', {
    bind: [name],
    type: QueryTypes.SELECT,
  });
  return row!.skeleton;
};

describe('account_skeleton()', () => {
  it.each([
    ['admin', 'аdmin', 'a Cyrillic а'],
    ['admin', 'ADMIN', 'case'],
    ['paypal', 'PaypaI', 'capital I for l, which case folding would make an i'],
    ['oslo', 'OSL0', 'zero for O, in any case'],
    ['l1ly', 'Illy', 'I, l and 1'],
    ['modern', 'rnodern', 'rn for m'],
    ['strasse@example.com', 'STRAẞE@example.com', 'ẞ folds to ss'],
    ['ada@example.com', 'ada\u200b@exam\u00adple.com', 'invisible characters'],
    ['ada@example.com', 'ada@ехаmрlе.com', 'a Cyrillic domain'],
    ['café', 'cafe\u0301', 'a combining accent'],
  ])('gives %s and %s the same skeleton (%s)', async (plain, lookAlike) => {
    expect(await skeleton(lookAlike)).toBe(await skeleton(plain));
  });

  it.each([
    ['ada_l', 'ada.l'],
    ['bob', 'bop'],
    ['cafe', 'café'],
    ['ann', 'anna'],
  ])('keeps %s and %s apart', async (one, other) => {
    expect(await skeleton(one)).not.toBe(await skeleton(other));
  });
});

describe('db/skeleton-map.cjs', () => {
  // Case folding and NFD come from Node's ICU: another Unicode version may differ by design.
  it.skipIf(process.versions.unicode !== map.unicodeVersion)(
    'is what scripts/skeleton-map.ts generates (nobody edited it by hand)',
    () => {
      expect(map.pairs).toEqual(buildSkeletonMap());
    },
  );
});
