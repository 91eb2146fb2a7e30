/**
 * The panel's words, as its frontend receives them (the state embedded in
 * the panel page): every property a list, page, filter or form shows has a
 * written label (not AdminJS's start-cased column name, "User Id"), every
 * action and resource a written title, page titles are not "List" / "Show",
 * and the global words replace AdminJS's defaults.
 */
import { describe, expect, it } from 'vitest';
import { staffSession } from './support/admin.js';
import { useTestApp } from './support/context.js';

const ctx = useTestApp();

interface PropertyJSON {
  propertyPath: string;
}
interface ResourceJSON {
  id: string;
  actions: { name: string }[];
  listProperties: PropertyJSON[];
  showProperties: PropertyJSON[];
  filterProperties: PropertyJSON[];
  editProperties: PropertyJSON[];
}
type Words = Record<string, unknown>;

/** The state the panel page hands its frontend (resources, locale). */
async function panelState(): Promise<{ resources: ResourceJSON[]; words: Words }> {
  const { agent } = await staffSession(ctx.app);
  const page = await agent.get('/admin').expect(200);
  const json = /window\.REDUX_STATE = (.*?);\n/s.exec(page.text)?.[1];
  expect(json, 'REDUX_STATE in the panel page').toBeDefined();
  const state = JSON.parse(json!) as {
    resources: ResourceJSON[];
    locale: { translations: { en: Words } };
  };
  return { resources: state.resources, words: state.locale.translations.en };
}

/** The word at a dotted key (nested objects, as AdminJS's locale option takes them), or undefined. */
function wordAt(words: Words, key: string[]): string | undefined {
  let here: unknown = words;
  for (const part of key) {
    if (here === null || typeof here !== 'object' || !Object.hasOwn(here, part)) return undefined;
    here = (here as Words)[part];
  }
  return typeof here === 'string' ? here : undefined;
}

/** What AdminJS would translate `name` to for the resource (its own word, then the global one). */
const translated = (words: Words, resourceId: string, kind: string, name: string): string | undefined =>
  wordAt(words, ['resources', resourceId, kind, name]) ?? wordAt(words, [kind, name]);

/** AdminJS's default for a missing word: lodash's startCase of the name ("user_id" → "User Id"). */
const startCase = (name: string): string =>
  name
    .split(/[_\s]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join(' ');

describe('panel words', () => {
  it('labels every listed, shown, filtered and edited property of every resource in words', async () => {
    const { resources, words } = await panelState();
    expect(resources.map((resource) => resource.id).sort()).toEqual(
      ['admin_logs', 'carts', 'categories', 'order_items', 'orders', 'products', 'reviews', 'users'].sort(),
    );
    const missing: string[] = [];
    for (const resource of resources) {
      const shown = [
        ...resource.listProperties,
        ...resource.showProperties,
        ...resource.filterProperties,
        ...resource.editProperties,
      ].map((property) => property.propertyPath);
      for (const path of new Set(shown)) {
        const label = translated(words, resource.id, 'properties', path);
        // "Id" is what AdminJS makes of "id"; a written label differs from the start-cased name (or is one word).
        if (!label || (label === startCase(path) && path.includes('_'))) missing.push(`${resource.id}.${path}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('titles every page and action in words: no "List", "Show", "Create new" or raw action names', async () => {
    const { resources, words } = await panelState();
    const raw: string[] = [];
    for (const resource of resources) {
      expect(wordAt(words, ['labels', resource.id]), `name of ${resource.id}`).toBeDefined();
      for (const { name } of resource.actions) {
        const title = translated(words, resource.id, 'actions', name);
        if (!title || ['List', 'Show', 'Create new', 'Delete all'].includes(title)) raw.push(`${resource.id}.${name}`);
      }
    }
    expect(raw).toEqual([]);
    expect(translated(words, 'orders', 'actions', 'list')).toBe('Orders');
    expect(translated(words, 'orders', 'actions', 'show')).toBe('Order details');
    expect(translated(words, 'orders', 'actions', 'ship')).toBe('Ship order');
    expect(translated(words, 'orders', 'actions', 'complete')).toBe('Mark completed');
    expect(translated(words, 'orders', 'actions', 'cancel')).toBe('Cancel order and restock');
    expect(translated(words, 'orders', 'actions', 'shipSelected')).toBe('Ship selected');
    expect(translated(words, 'products', 'actions', 'exportCsv')).toBe('Export CSV');
    expect(translated(words, 'reviews', 'actions', 'hideSelected')).toBe('Hide selected');
    expect(translated(words, 'users', 'actions', 'new')).toBe('Add account');
    // Breadcrumbs look an action up by its name alone.
    expect(wordAt(words, ['actions', 'ship'])).toBe('Ship order');
    expect(wordAt(words, ['actions', 'list'])).not.toBe('List');
  });

  it('labels the columns staff asked about, and replaces the default notices and buttons', async () => {
    const { words } = await panelState();
    expect(translated(words, 'orders', 'properties', 'user_id')).toBe('Customer');
    expect(translated(words, 'orders', 'properties', 'total_amount')).toBe('Total');
    expect(translated(words, 'orders', 'properties', 'created_at')).toBe('Placed');
    expect(translated(words, 'orders', 'properties', 'cancel_reason')).toBe('Cancel reason');
    expect(translated(words, 'reviews', 'properties', 'user_id')).toBe('Author');
    expect(translated(words, 'users', 'properties', 'email')).toBe('E-mail');
    expect(translated(words, 'users', 'properties', 'created_at')).toBe('Joined');
    expect(translated(words, 'order_items', 'properties', 'subtotal')).toBe('Line total');
    expect(wordAt(words, ['messages', 'successfullyDeleted'])).not.toBe('Successfully deleted given record');
    expect(wordAt(words, ['buttons', 'resetFilter'])).toBe('Reset');
    expect(wordAt(words, ['buttons', 'filter'])).toBe('Filter');
  });
});
