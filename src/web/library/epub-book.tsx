import { lazy, Suspense } from 'react';
import type { Static } from 'typebox';
import type { ResourceView } from '@/modules/library/library.schema';
import { Loading } from '@/web/components/status';
import { useBytes } from '@/web/offline/save-offline';

// The reader is fetched only when an EPUB is opened.
const EpubReader = lazy(() => import('@/web/library/epub-reader'));

/** An EPUB resource's reader, on its page. */
export function EpubBook({ resource }: { resource: Static<typeof ResourceView> }) {
  const bytes = useBytes();
  const main = resource.files.find((f) => f.role === 'main' && f.contentType === 'application/epub+zip');
  if (!main) return null;
  return (
    <Suspense fallback={<Loading />}>
      <EpubReader
        fileId={main.id}
        url={main.url}
        sizeBytes={main.sizeBytes}
        title={resource.title}
        sizeText={bytes(main.sizeBytes)}
      />
    </Suspense>
  );
}
