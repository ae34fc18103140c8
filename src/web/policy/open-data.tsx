import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { SdmxStructure } from '@/modules/policy/policy.sdmx.schema';
import { api } from '@/web/api';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';

/**
 * The open data, for anyone: the indicators and the schools as JSON and CSV, and the indicators for international
 * reporting as SDMX-CSV 2.0, with what that file holds in words. Every link is a download from the API itself.
 */

/** The SDMX-CSV file's address; `both` gives each code with its name in the reader's language. */
export const SDMX_PATH = '/api/open/indicators/sdmx';

function Downloads({ links }: { links: { href: string; label: string }[] }) {
  return (
    <ul className="download">
      {links.map((l) => (
        <li key={l.href}>
          <a href={l.href} download>
            {l.label}
          </a>
        </li>
      ))}
    </ul>
  );
}

/** What the SDMX file holds: its indicators and levels of education, in words. */
function SdmxContents() {
  const { t, i18n } = useTranslation();
  const structure = useQuery({
    queryKey: ['policy', 'sdmx', 'structure', i18n.language],
    queryFn: ({ signal }) => api<SdmxStructure>('/open/indicators/sdmx/structure', { signal }),
  });
  if (structure.isPending) return <Loading />;
  if (structure.isError) return <ErrorBox error={structure.error} onRetry={() => void structure.refetch()} />;
  const codes = (id: string) => structure.data.components.find((c) => c.id === id)?.codes ?? [];
  const dimensions = structure.data.components.filter((c) => c.role === 'dimension');
  return (
    <>
      <h3>{t('policySdmx.indicators')}</h3>
      <ul data-testid="sdmx-indicators">
        {codes('INDICATOR').map((c) => (
          <li key={c.id}>{c.name}</li>
        ))}
      </ul>
      <p>
        {t('policySdmx.dimensions', {
          list: dimensions.map((d) => d.name.toLocaleLowerCase(i18n.language)).join(', '),
        })}
      </p>
      <p>
        {t('policySdmx.areas', {
          list: codes('REF_AREA')
            .map((c) => c.name)
            .join(', '),
        })}
      </p>
    </>
  );
}

/** The public page of open data. */
export function OpenDataPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  return (
    <Page title={t('policySdmx.title')} intro={t('policySdmx.intro')}>
      <section className="card" aria-labelledby="open-sdmx">
        <h2 id="open-sdmx">{t('policySdmx.sdmx.title')}</h2>
        <p>{t('policySdmx.sdmx.text')}</p>
        <Downloads
          links={[
            { href: SDMX_PATH, label: t('policySdmx.sdmx.country') },
            { href: `${SDMX_PATH}?by=region`, label: t('policySdmx.sdmx.regions') },
            {
              href: `${SDMX_PATH}?by=region&labels=both&lang=${lang}`,
              label: t('policySdmx.sdmx.named'),
            },
          ]}
        />
        <SdmxContents />
        <p className="note">{t('policySdmx.sdmx.note')}</p>
      </section>
      <section className="card" aria-labelledby="open-indicators">
        <h2 id="open-indicators">{t('policySdmx.indicatorsTitle')}</h2>
        <p>{t('policySdmx.indicatorsText')}</p>
        <Downloads
          links={[
            { href: '/api/open/indicators?by=region&format=csv', label: t('policySdmx.csv') },
            { href: '/api/open/indicators?by=region', label: t('policySdmx.json') },
          ]}
        />
      </section>
      <section className="card" aria-labelledby="open-training">
        <h2 id="open-training">{t('policySdmx.trainingTitle')}</h2>
        <p>{t('policySdmx.trainingText')}</p>
        <Downloads
          links={[
            { href: '/api/training/open/indicators?by=region&format=csv', label: t('policySdmx.csv') },
            { href: '/api/training/open/indicators?by=region', label: t('policySdmx.json') },
          ]}
        />
      </section>
      <section className="card" aria-labelledby="open-schools">
        <h2 id="open-schools">{t('policySdmx.schoolsTitle')}</h2>
        <p>{t('policySdmx.schoolsText')}</p>
        <Downloads
          links={[
            { href: '/api/open/schools?limit=5000&format=csv', label: t('policySdmx.csv') },
            { href: '/api/open/schools/giga', label: t('policySdmx.giga') },
          ]}
        />
      </section>
    </Page>
  );
}
