/** Reading the test database directly, to assert on its state. */
import { QueryTypes } from 'sequelize';
import { sequelize } from '../../src/db.js';

/** The single row a query returns (fails the test when there is none). */
export async function oneRow<T extends object>(sql: string, bind: unknown[] = []): Promise<T> {
  const [row] = await sequelize.query<T>(sql, { bind, type: QueryTypes.SELECT });
  if (!row) throw new Error(`expected a row from: ${sql}`);
  return row;
}
