export interface SetupForm {
  code: string;
  username: string;
  password: string;
  confirm: string;
}

/** Mirrors shared's Username/Password schemas (zod is not bundled); the server checks again. */
export function validateSetup(f: SetupForm): Partial<Record<keyof SetupForm, string>> {
  const errors: Partial<Record<keyof SetupForm, string>> = {};
  if (f.code.trim() === '') errors.code = 'Enter the setup code.';
  if (!/^[a-z_][a-z0-9_.-]*$/.test(f.username) || f.username.length > 32) {
    errors.username = 'Up to 32 lowercase letters, digits, ".", "_" and "-", starting with a letter or "_".';
  }
  if (f.password.length < 10) errors.password = 'At least 10 characters.';
  else if (f.password.length > 256) errors.password = 'At most 256 characters.';
  if (f.confirm !== f.password) errors.confirm = 'The passwords do not match.';
  return errors;
}
