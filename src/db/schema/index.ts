export * from './api-keys';
export * from './audit-events';
export * from './orgs';
export * from './revoked-tokens';
export * from './signing-keys';
export * from './state';
export * from './usage-hourly';
export * from './users';
