// Shown while a page's server component renders (a navigation, a slow store).
export default function Loading() {
  return (
    <main aria-busy="true" data-testid="loading">
      <p className="muted" role="status">
        Loading…
      </p>
    </main>
  );
}
