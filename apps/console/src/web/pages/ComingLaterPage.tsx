/**
 * A marked place for a screen whose API does not exist yet. It shows no data: the screen is built
 * when the issue that adds its API lands.
 */
export function ComingLaterPage({ title, issue, what }: { title: string; issue: number; what: string }) {
  return (
    <section aria-labelledby="later-title">
      <h1 id="later-title">{title}</h1>
      <p className="notice" role="note">
        Not built yet: this screen arrives with issue {issue}. {what}
      </p>
    </section>
  );
}

export function NotFoundPage() {
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. <a href="/orders">Go to the orders</a>.
      </p>
    </section>
  );
}
