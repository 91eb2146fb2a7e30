/**
 * Staff changes to the catalogue (products and categories), the one write
 * path the admin panel uses: the models' rules (src/rules.ts) checked with
 * every refused field at once, and "a product that was ever ordered is
 * archived, not deleted". Each runs in the caller's transaction, which also
 * holds the change's audit row; the caller drops the caches after commit.
 */
import type { InferCreationAttributes, Transaction } from 'sequelize';
import { ConflictError } from '../errors.js';
import { Category, OrderItem, Product } from '../models/index.js';
import type { FieldError } from '../schemas/problem.js';
import { type RecordChange, lockedRow, only, saveChecked, snapshot } from './record-changes.js';

/** The product columns staff set; ratings and counters are kept by the services. */
const PRODUCT_FIELDS = ['name', 'description', 'price', 'stock', 'category_id', 'image_url', 'archived'] as const;

/** What staff may set on a product. */
export type ProductFields = Partial<Pick<InferCreationAttributes<Product>, (typeof PRODUCT_FIELDS)[number]>>;

/** The category columns staff set (the product count is kept by triggers). */
const CATEGORY_FIELDS = ['name', 'description', 'sort_order'] as const;

/** What staff may set on a category. */
export type CategoryFields = Partial<Pick<InferCreationAttributes<Category>, (typeof CATEGORY_FIELDS)[number]>>;

/** "Category does not exist" for a category id that names none (rather than a foreign-key error). */
async function categoryProblems(product: Product, transaction: Transaction): Promise<FieldError[]> {
  if (!product.changed('category_id') && !product.isNewRecord) return [];
  const id = Number(product.category_id);
  const found = Number.isSafeInteger(id) && id > 0 ? await Category.findByPk(id, { transaction }) : null;
  return found ? [] : [{ field: 'category_id', message: 'Category must be one of the shop’s categories' }];
}

/** Creates a product; 422 with every field the rules refuse. */
export async function createProduct(values: ProductFields, transaction: Transaction): Promise<RecordChange> {
  const product = Product.build(only(values, PRODUCT_FIELDS) as InferCreationAttributes<Product>);
  return { before: null, after: await saveChecked(product, transaction, await categoryProblems(product, transaction)) };
}

/** Changes a product; 404 when it does not exist, 422 with every field the rules refuse. */
export async function updateProduct(
  productId: number,
  values: ProductFields,
  transaction: Transaction,
): Promise<RecordChange> {
  const product = await lockedRow(Product, productId, transaction, 'Product');
  const before = snapshot(product);
  product.set(only(values, PRODUCT_FIELDS));
  return { before, after: await saveChecked(product, transaction, await categoryProblems(product, transaction)) };
}

/** How a product left the shop. */
export interface ProductRemoval extends RecordChange {
  /** True when it was on orders and so was archived (hidden from the shop) rather than deleted. */
  archived: boolean;
}

/**
 * Deletes a product, or archives it when it was ever ordered: its order
 * lines point at it, and an order's history must not change. Locks the
 * product first, so a checkout in progress either finishes before (and the
 * product is archived) or finds it gone.
 */
export async function removeProduct(productId: number, transaction: Transaction): Promise<ProductRemoval> {
  const product = await lockedRow(Product, productId, transaction, 'Product');
  const before = snapshot(product);
  const ordered = await OrderItem.findOne({ where: { product_id: productId }, attributes: ['id'], transaction });
  if (!ordered) {
    await product.destroy({ transaction });
    return { before, after: null, archived: false };
  }
  await product.update({ archived: true }, { transaction });
  return { before, after: snapshot(product), archived: true };
}

/** Creates a category; 422 with every field the rules refuse, 409 (by the database) for a taken name. */
export async function createCategory(values: CategoryFields, transaction: Transaction): Promise<RecordChange> {
  const category = Category.build(only(values, CATEGORY_FIELDS) as InferCreationAttributes<Category>);
  return { before: null, after: await saveChecked(category, transaction) };
}

/** Changes a category; 404 when it does not exist, 422 with every field the rules refuse. */
export async function updateCategory(
  categoryId: number,
  values: CategoryFields,
  transaction: Transaction,
): Promise<RecordChange> {
  const category = await lockedRow(Category, categoryId, transaction, 'Category');
  const before = snapshot(category);
  category.set(only(values, CATEGORY_FIELDS));
  return { before, after: await saveChecked(category, transaction) };
}

/** Deletes a category; 409 while products are still in it (the database's foreign key says so too). */
export async function removeCategory(categoryId: number, transaction: Transaction): Promise<RecordChange> {
  const category = await lockedRow(Category, categoryId, transaction, 'Category');
  const before = snapshot(category);
  if (await Product.findOne({ where: { category_id: categoryId }, attributes: ['id'], transaction })) {
    throw new ConflictError(`Category ${categoryId} still has products: move or delete them first.`);
  }
  await category.destroy({ transaction });
  return { before, after: null };
}
