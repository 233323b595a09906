import type { AuthService } from '../auth/auth.service.ts';

/** The console's account commands, the same on every server: the setup code and a new password. */
export function authCommands(auth: AuthService) {
  return {
    'setup-code': async () => {
      const c = auth.setupCode();
      return { code: c.code, expiresAt: c.expiresAt.toISOString() };
    },
    passwd: async (req: { username: string; password: string }) => {
      await auth.setPassword(req.username, req.password, 'console');
      return null;
    },
  };
}
