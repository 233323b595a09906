export interface SetupForm {
  code: string;
  username: string;
  password: string;
  confirm: string;
}

export const PASSWORD_MIN = 10;
/** Shown under the field until there is an error, which then says the same with the count. */
export const PASSWORD_HINT = `At least ${PASSWORD_MIN} characters.`;

/** Mirrors shared's Username/Password schemas (zod is not bundled); the server checks again. */
export function validateSetup(f: SetupForm): Partial<Record<keyof SetupForm, string>> {
  const errors: Partial<Record<keyof SetupForm, string>> = {};
  if (f.code.trim() === '') errors.code = 'Enter the setup code.';
  if (!/^[a-z_][a-z0-9_.-]*$/.test(f.username) || f.username.length > 32) {
    errors.username = 'Up to 32 lowercase letters, digits, ".", "_" and "-", starting with a letter or "_".';
  }
  if (f.password.length < PASSWORD_MIN) {
    errors.password =
      f.password.length === 0
        ? 'Enter a password.'
        : `Too short: ${f.password.length} of at least ${PASSWORD_MIN} characters.`;
  } else if (f.password.length > 256) errors.password = 'At most 256 characters.';
  if (f.confirm !== f.password) errors.confirm = 'The passwords do not match.';
  return errors;
}
