/** Rows for tests, written through the real models. */
import { hashPassword } from '../../src/auth/passwords.js';
import { Category, Product, User, type UserRole } from '../../src/models/index.js';

let serial = 0;
const next = (): number => {
  serial += 1;
  return serial;
};

/** A category; name unique per call unless given. */
export function createCategory(fields: Partial<{ name: string; description: string; sort_order: number }> = {}) {
  const n = next();
  return Category.create({ name: `Category ${n}`, description: null, sort_order: n * 10, ...fields });
}

/** A product in `categoryId` with sensible defaults. */
export function createProduct(
  categoryId: number,
  fields: Partial<{ name: string; description: string; price: string; stock: number; archived: boolean }> = {},
) {
  const n = next();
  return Product.create({
    name: `Product ${n}`,
    description: `Description of product ${n}`,
    price: '19.99',
    stock: 10,
    image_url: null,
    category_id: categoryId,
    ...fields,
  });
}

/** A user with a real bcrypt hash (BCRYPT_COST is 4 in tests). */
export async function createUser(
  fields: Partial<{ username: string; email: string; password: string; role: UserRole; is_active: boolean }> = {},
) {
  const n = next();
  const { password = 'correct-horse-battery', ...rest } = fields;
  return User.create({
    username: `user${n}`,
    email: `user${n}@example.test`,
    password_hash: await hashPassword(password),
    phone: null,
    ...rest,
  });
}
