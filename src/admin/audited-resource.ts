/**
 * The AdminJS resource adapter for our Sequelize models, with an audit trail:
 * every create, edit and delete made in the panel runs in one transaction
 * together with its admin_logs row (with the changed fields' old and new
 * values), so a change is never saved without its log row. Each write is a
 * call of the table's service (policies.ts says which), the same functions
 * and rules as the API's; refusals come back as the rules' words, beside
 * their fields.
 */
import { Resource } from '@adminjs/sequelize';
import { type ActionContext, BaseRecord, type Filter, ValidationError, flat } from 'adminjs';
import type { Model, ModelStatic, Transaction } from 'sequelize';
import { sequelize } from '../db.js';
import { logger } from '../logger.js';
import { changesBetween, recordAdminAction } from '../services/audit-service.js';
import { type CustomFilter, type ListQuery, listCount, listWhere } from './list-query.js';
import { toPanelError } from './panel-errors.js';
import { type Change, type Row, policyFor } from './policies.js';

/** Columns no form may set, whatever it posts. */
const NEVER_FROM_FORMS = ['id', 'created_at', 'updated_at', 'password_hash'];

/** True for ids our tables can hold: whole numbers 1..2147483647. */
const isRowId = (id: unknown): boolean =>
  /^\d{1,10}$/.test(String(id)) && Number(id) >= 1 && Number(id) <= 2_147_483_647;

/** A finite whole number within bounds, or the fallback. */
const clamp = (value: unknown, min: number, max: number, fallback: number): number => {
  const number = Number(value);
  return Number.isFinite(number) ? Math.min(max, Math.max(min, Math.trunc(number))) : fallback;
};

/** The signed-in staff member's user id; an audited change without one is refused. */
export function adminIdOf(context?: ActionContext): number {
  const adminId = Number(context?.currentAdmin?.id);
  if (!Number.isInteger(adminId) || adminId < 1) throw new Error('An audited change needs a signed-in admin.');
  return adminId;
}

/** What a panel delete did, per record: the request's `context` carries it to the action's notice. */
export interface Removals {
  deleted: number;
  archived: number;
}

const REMOVALS = Symbol('removals');

/** How many records the delete or bulk delete of this request deleted and archived (undefined before one ran). */
export const removalsOf = (context: ActionContext): Removals | undefined =>
  (context as ActionContext & { [REMOVALS]?: Removals })[REMOVALS];

/** Remembers a delete's outcome on the request's context, for its notice. */
function noteRemovals(context: ActionContext | undefined, changes: Change[]): void {
  if (!context) return;
  const archived = changes.filter((change) => change.action === 'archive').length;
  (context as ActionContext & { [REMOVALS]?: Removals })[REMOVALS] = {
    archived,
    deleted: changes.length - archived,
  };
}

/** Refusal of a write the table's service does not offer to the panel. */
const notWritable = (): ValidationError =>
  new ValidationError({}, { message: 'These records are kept by the shop itself and cannot be changed here.' });

/** A Sequelize resource whose writes are transactional and audited, and whose lists stay fast on big tables. */
export class AuditedResource extends Resource {
  private readonly model: ModelStatic<Model>;
  private readonly customFilters: Record<string, CustomFilter>;
  /** Totals that a list page's own rows already told (see `find`), for the `count` of the same request. */
  private readonly pageTotals = new WeakMap<Filter, number>();

  /** `customFilters`: filter fields of this resource's own making (declared as virtual properties in its options). */
  constructor(
    model: ModelStatic<Model>,
    { customFilters = {} }: { customFilters?: Record<string, CustomFilter> } = {},
  ) {
    super(model);
    this.model = model;
    this.customFilters = customFilters;
  }

  /** Plain column values from the panel's flattened form params. */
  private formValues(params: Record<string, unknown>): Row {
    const values = flat.unflatten<Row, Row>(this.parseParams(params) as Row);
    for (const column of [...NEVER_FROM_FORMS, ...(policyFor(this.name()).readOnly ?? [])]) delete values[column];
    return values;
  }

  /**
   * Runs `work` (a call of the table's service) and its audit row in one
   * transaction, then the policy's after-commit step.
   */
  private async audited(
    context: ActionContext | undefined,
    work: (transaction: Transaction) => Promise<Change>,
    transaction?: Transaction,
  ): Promise<Change> {
    const adminId = adminIdOf(context);
    const policy = policyFor(this.name());
    const run = async (t: Transaction): Promise<Change> => {
      const change = await work(t);
      const changes = changesBetween(change.before, change.after);
      await recordAdminAction(
        { adminId, action: change.action, targetType: this.name(), targetId: change.id, changes },
        t,
      );
      return change;
    };
    let change: Change;
    try {
      change = transaction ? await run(transaction) : await sequelize.transaction(run);
    } catch (error) {
      throw toPanelError(policy.explain?.(error) ?? error, policy.formNames);
    }
    if (!transaction) await this.afterCommit([change]);
    return change;
  }

  private async afterCommit(changes: Change[]): Promise<void> {
    const policy = policyFor(this.name());
    try {
      await policy.afterCommit?.(changes);
    } catch (error) {
      // The change is saved and logged; a cache that missed the news expires with its TTL.
      logger.warn({ err: error, resource: this.name() }, 'after-commit step failed');
    }
  }

  /** A row as the panel may see it: through the model's toJSON (users drop their password hash). */
  private serialised = (row: Row): Row => this.model.build(row, { isNewRecord: false, raw: true }).toJSON();

  /** Records by id; an id that is not a whole number finds nothing (rather than reaching SQL as NaN). */
  override async findById(id: unknown): Promise<Model | null> {
    return isRowId(id) ? this.model.findByPk(Number(id)) : null;
  }

  /** Several records by id, ignoring ids that are not whole numbers. */
  override async findMany(ids: unknown[]): Promise<BaseRecord[]> {
    return super.findMany(ids.filter(isRowId).map(Number));
  }

  /**
   * A list page, with whatever the query string said made safe first:
   * filters on properties this resource does not have are dropped, a
   * number filter that is not a finite number matches nothing, sorting is
   * by a real column (then by the primary key, so that pages never overlap
   * when many rows share a sort value), paging is clamped. Text filters
   * are case- and accent-insensitive substring matches, number and date
   * filters may be from/to ranges (list-query.ts).
   */
  override async find(
    filter: Filter,
    options: { limit?: number; offset?: number; sort?: { sortBy?: string; direction?: 'asc' | 'desc' } },
  ): Promise<BaseRecord[]> {
    const query = this.queryOf(filter);
    if (!query) return [];
    const limit = clamp(options.limit, 1, 500, 20);
    const offset = clamp(options.offset, 0, 1_000_000_000, 0);
    // By own property name only: `property('__proto__')` would find Object.prototype and throw.
    const wanted = options.sort?.sortBy;
    const primaryKey = this.primaryKey();
    const sortBy =
      wanted !== undefined && this.properties().some((property) => property.path() === wanted) ? wanted : primaryKey;
    const direction = options.sort?.direction === 'desc' ? 'DESC' : 'ASC';
    const order: [string, string][] = [[sortBy, direction]];
    if (sortBy !== primaryKey) order.push([primaryKey, direction]);
    const rows = await this.model.findAll({ where: query.where, limit, offset, order });
    // A short page tells the total: `count` (which the list action calls next, with this filter) need not count.
    if (rows.length < limit && (rows.length > 0 || offset === 0)) this.pageTotals.set(filter, offset + rows.length);
    return rows.map((row) => new BaseRecord(row.toJSON(), this));
  }

  /** The count under a list page: exact up to EXACT_COUNT_UP_TO rows, estimated beyond (list-query.ts). */
  override async count(filter: Filter): Promise<number> {
    const known = filter ? this.pageTotals.get(filter) : undefined;
    if (known !== undefined) return known;
    const query = this.queryOf(filter);
    return query ? listCount(this.model, query) : 0;
  }

  /** The SQL of a list filter (undefined: it matches nothing). */
  private queryOf(filter: Filter | undefined): ListQuery | undefined {
    return listWhere(filter, {
      custom: this.customFilters,
      hasChoices: (path) => {
        // The panel's options (an order's status list) live on AdminJS's decoration of this resource,
        // which exists once the panel is built; without it, only the model's own ENUMs count.
        try {
          return Boolean(this.decorate().getPropertyByKey(path)?.availableValues()?.length);
        } catch {
          return Boolean(this.property(path)?.availableValues()?.length);
        }
      },
    });
  }

  /** Creates a record through its service (audited as "create"). */
  override async create(params: Record<string, unknown>, context?: ActionContext): Promise<Row> {
    const { create } = policyFor(this.name());
    if (!create) throw notWritable();
    const change = await this.audited(context, async (transaction) => {
      const { after } = await create(this.formValues(params), transaction);
      return { action: 'create', id: String(after!.id), before: null, after };
    });
    return this.serialised(change.after!);
  }

  /** Updates a record through its service (audited as "edit", with each changed field's old and new value). */
  override async update(id: string | number, params: Record<string, unknown>, context?: ActionContext): Promise<Row> {
    const { update } = policyFor(this.name());
    if (!update) throw notWritable();
    if (!isRowId(id)) throw new ValidationError({}, { message: `Record ${String(id)} does not exist.` });
    const change = await this.audited(context, async (transaction) => {
      const { before, after } = await update(Number(id), this.formValues(params), transaction);
      return { action: 'edit', id: String(id), before, after };
    });
    return this.serialised(change.after!);
  }

  /** Deletes (or, where the service says so, archives) one record in `transaction`. */
  private async removeOne(id: string | number, action: string, transaction: Transaction): Promise<Change> {
    const { remove } = policyFor(this.name());
    if (!remove) throw notWritable();
    if (!isRowId(id)) throw new ValidationError({}, { message: `Record ${String(id)} does not exist.` });
    const { before, after, archived } = await remove(Number(id), transaction);
    return archived
      ? { action: 'archive', id: String(id), before, after }
      : { action, id: String(id), before, after: null };
  }

  /** Deletes a record (audited as "delete", or "archive" when the service keeps it). */
  override async delete(id: string | number, context?: ActionContext): Promise<void> {
    const change = await this.audited(context, (transaction) => this.removeOne(id, 'delete', transaction));
    noteRemovals(context, [change]);
  }

  /**
   * Deletes several records all-or-nothing: one transaction, one audit row
   * per record (action "bulkDelete", or "archive"). Returns what became of each.
   */
  async deleteMany(ids: (string | number)[], context: ActionContext): Promise<Change[]> {
    let changes: Change[];
    try {
      changes = await sequelize.transaction(async (transaction) => {
        const done: Change[] = [];
        for (const id of ids) {
          done.push(await this.audited(context, (t) => this.removeOne(id, 'bulkDelete', t), transaction));
        }
        return done;
      });
    } catch (error) {
      throw toPanelError(error);
    }
    noteRemovals(context, changes);
    await this.afterCommit(changes);
    return changes;
  }
}
