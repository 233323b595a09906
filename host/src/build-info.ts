export { BUILD } from '@quantix/shared/server';
