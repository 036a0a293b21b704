export * from './api.ts';
export * from './contract.ts';
export * from './fixtures.ts';
export * from './tokens.ts';
