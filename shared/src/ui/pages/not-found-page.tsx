import { Link } from '../components/link.tsx';

export function NotFoundPage() {
  return (
    <div class="page page-narrow" data-testid="page-not-found">
      <h1>Page not found</h1>
      <p>
        There is nothing here. <Link href="/">Go to the dashboard</Link>.
      </p>
    </div>
  );
}
