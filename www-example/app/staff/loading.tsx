// Shown under the staff bar while a staff page renders (a page change of the roster, say).
export default function StaffLoading() {
  return (
    <main aria-busy="true" data-testid="staff-loading">
      <p className="muted" role="status">
        Loading…
      </p>
    </main>
  );
}
