export { handleConsoleRequest } from './handler.ts';
export { SESSION_COOKIE, SIGNIN_PAGE_PATH, principalForSession } from './federation.ts';
