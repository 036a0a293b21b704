export * from './logger.ts';
export * from './http.ts';
export * from './http-errors.ts';
export * from './validate.ts';
export * from './temporal.ts';
export * from './db.ts';
export * from './auth.ts';
