import { Link } from '../lib/router';
import { EmptyState } from '../components/ui';

export function NotFoundPage() {
  return (
    <div className="page">
      <EmptyState
        title="Page not found"
        action={
          <Link to="/" className="btn btn-primary">
            Go to Overview
          </Link>
        }
      >
        There is nothing at <code>{window.location.pathname}</code>.
      </EmptyState>
    </div>
  );
}
