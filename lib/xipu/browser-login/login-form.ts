/** The school SSO's login form — docs/xipu-protocol "Login" 2. */
export const LOGIN_FORM = {
  usernameField: '#username_show',
  passwordField: '#password_show',
  submitButton: '#btn_login input',
  /** Shown by the SSO when it refuses the credentials. */
  errorMessage: '#errormsg',
} as const;
