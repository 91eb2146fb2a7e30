/**
 * The panel's React components (src/admin/components/*.jsx), registered with
 * AdminJS's component loader by file name: `component('StatusBadge')` names
 * components/StatusBadge.jsx. Adding a component is adding its file.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ComponentLoader } from 'adminjs';

/** The loader AdminJS bundles the components from (panel.ts hands it to AdminJS). */
export const componentLoader = new ComponentLoader();

const registered = new Map<string, string>();

/** The registered name of components/<name>.jsx (registered on first use; a missing file throws at start). */
export function component(name: string): string {
  const known = registered.get(name);
  if (known) return known;
  const path = fileURLToPath(new URL(`./components/${name}.jsx`, import.meta.url));
  if (!existsSync(path)) throw new Error(`admin component ${name}: no file ${path}`);
  const id = componentLoader.add(name, path);
  registered.set(name, id);
  return id;
}
