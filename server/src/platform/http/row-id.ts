import { Type } from 'typebox';

/**
 * The id of a row numbered by the database (a `serial`, PostgreSQL's integer): 1 to 2^31 - 1. A larger
 * number can name no row, and the database refuses to compare it with one ("out of range for type
 * integer"), so it is refused as a parameter, naming it.
 */
export const MAX_ROW_ID = 2_147_483_647;
export const RowId = (options: { description?: string } = {}) => Type.Integer({ minimum: 1, maximum: MAX_ROW_ID, ...options });
