import { lazy, Suspense } from 'react';
import { useMe } from '@/web/session';
import { Loading } from '@/web/components/status';

// The editors' pages are loaded when an editor signs in, so the other homes stay small.
const EditorHome = lazy(() => import('@/web/library/editor').then((m) => ({ default: m.EditorHome })));

/** A content editor's home: what waits for their review, and their resources by state. */
export function LibraryHome() {
  const me = useMe();
  if (!me.data) return <Loading />;
  return (
    <Suspense fallback={<Loading />}>
      <EditorHome me={me.data} />
    </Suspense>
  );
}
