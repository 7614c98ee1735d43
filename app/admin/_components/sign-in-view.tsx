/** The only thing a visitor without a session sees: the password form. */
export function SignInView({ notice, cookieWillNotStick }: { notice?: 'failed' | 'signed-out'; cookieWillNotStick: boolean }) {
  return (
    <section className="signin" aria-labelledby="signin-title">
      <h1 id="signin-title">xipu-gateway admin</h1>
      {notice === 'failed' ? (
        <p className="banner banner-red" role="alert">
          Wrong password.
        </p>
      ) : notice === 'signed-out' ? (
        <p className="banner banner-green" role="status">
          Signed out.
        </p>
      ) : null}
      {cookieWillNotStick ? (
        <p className="banner banner-amber">
          This page is served over plain http to a host other than localhost: browsers do not keep the (Secure) session cookie there. Open it over
          https.
        </p>
      ) : null}
      <form method="post" action="/admin/sign-in">
        <label htmlFor="password">Admin password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required autoFocus />
        <p className="hint">The value of ADMIN_PASSWORD. A sign-in lasts 12 hours.</p>
        <div className="actions">
          <button type="submit">Sign in</button>
        </div>
      </form>
    </section>
  );
}
