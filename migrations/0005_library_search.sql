-- Library search. PostgreSQL has no Azerbaijani stemmer and unaccent does not fold ə, so one function folds
-- text to a Latin-ASCII-ish key, at index time and at query time alike: Azerbaijani letters to their base
-- letters (ə→e, ı/İ→i, ş→s, ç→c, ğ→g, ö→o, ü→u) and the Azerbaijani Cyrillic alphabet (1958–1991, still
-- on old books and TV archives) transliterated to Latin first, so Мәктәб and Məktəb both become mekteb.
-- Russian letters without an Azerbaijani counterpart get their usual Latin spelling. Upper-case letters are
-- translated explicitly rather than left to lower(), whose handling of non-ASCII depends on the locale.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE FUNCTION library_fold(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
  SELECT lower(translate(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
      t, 'Ё', 'yo'), 'ё', 'yo'), 'Ю', 'yu'), 'ю', 'yu'), 'Я', 'ya'), 'я', 'ya'),
      'Ц', 'ts'), 'ц', 'ts'), 'Щ', 'sc'), 'щ', 'sc'),
    'İIıƏəÖöÜüĞğŞşÇçАаБбВвГгҒғДдЕеӘәЖжЗзИиЫыЈјЙйКкҜҝЛлМмНнОоӨөПпРрСсТтУуҮүФфХхҺһЧчҸҹШшЭэІіЪъЬь',
    'iiieeoouuggssccaabbvvqqggddeeeejjzziiiiyyyykkggllmmnnoooopprrssttuuuuffxxhhccccsseeii'))
$$;
--> statement-breakpoint
-- array_to_string is only STABLE in general (element output functions may depend on settings); for text[]
-- it is immutable, which generated columns need.
CREATE FUNCTION library_join(parts text[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT coalesce(array_to_string(parts, ' '), '') $$;
--> statement-breakpoint
-- The query side: every folded word as a prefix (Azerbaijani is agglutinative: mekteb finds mekteblerde),
-- OR the Russian and English stemmed forms of the query, for resources in those languages.
CREATE FUNCTION library_tsquery(q text) RETURNS tsquery
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
  -- A query of punctuation only has no words: the result is null and matches nothing (typos may still).
  -- Words of one or two letters match whole words only: as prefixes they would match most of the library.
  SELECT (SELECT to_tsquery('simple'::regconfig,
                   string_agg('''' || w || '''' || CASE WHEN length(w) >= 3 THEN ':*' ELSE '' END, ' & '))
            FROM regexp_split_to_table(library_fold(q), '[[:space:][:punct:]]+') AS w
           WHERE w <> '')
    || plainto_tsquery('russian'::regconfig, q)
    || plainto_tsquery('english'::regconfig, q)
$$;
--> statement-breakpoint
ALTER TABLE library_resource ADD COLUMN search_key text GENERATED ALWAYS AS (library_fold(title)) STORED;
--> statement-breakpoint
ALTER TABLE library_resource ADD COLUMN search_doc tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('simple'::regconfig, library_fold(title)), 'A')
  || setweight(to_tsvector('simple'::regconfig, library_fold(
       library_join(authors) || ' ' || coalesce(publisher, '') || ' ' || coalesce(channel, ''))), 'B')
  || setweight(to_tsvector('simple'::regconfig, library_fold(description)), 'C')
  || CASE language
       WHEN 'ru' THEN setweight(to_tsvector('russian'::regconfig, title), 'A')
                      || setweight(to_tsvector('russian'::regconfig, description), 'C')
       WHEN 'en' THEN setweight(to_tsvector('english'::regconfig, title), 'A')
                      || setweight(to_tsvector('english'::regconfig, description), 'C')
       ELSE ''::tsvector
     END
) STORED;
--> statement-breakpoint
-- The title alone, so that a search ranks title matches first without reading every resource whose
-- description mentions a common word.
ALTER TABLE library_resource ADD COLUMN title_doc tsvector GENERATED ALWAYS AS (
  to_tsvector('simple'::regconfig, library_fold(title))
  || CASE language
       WHEN 'ru' THEN to_tsvector('russian'::regconfig, title)
       WHEN 'en' THEN to_tsvector('english'::regconfig, title)
       ELSE ''::tsvector
     END
) STORED;
--> statement-breakpoint
-- Only published resources are searched: the indexes hold only them.
CREATE INDEX library_resource_title_idx ON library_resource USING gin (title_doc) WHERE state = 'published';
--> statement-breakpoint
CREATE INDEX library_resource_search_idx ON library_resource USING gin (search_doc) WHERE state = 'published';
--> statement-breakpoint
CREATE INDEX library_resource_trgm_idx ON library_resource USING gin (search_key gin_trgm_ops) WHERE state = 'published';
--> statement-breakpoint
CREATE INDEX library_resource_published_idx ON library_resource (published_at DESC, id DESC) WHERE state = 'published';
--> statement-breakpoint
-- The search filters, for searches that filter more than they match words.
CREATE INDEX library_resource_grades_idx ON library_resource USING gin (grades) WHERE state = 'published';
--> statement-breakpoint
CREATE INDEX library_resource_type_idx ON library_resource (type, published_at DESC) WHERE state = 'published';
--> statement-breakpoint
CREATE INDEX library_resource_subject_idx ON library_resource (subject_code, published_at DESC) WHERE state = 'published';
--> statement-breakpoint
-- The publishing history is append-only.
CREATE FUNCTION library_resource_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'library_resource_event is append-only' USING ERRCODE = 'restrict_violation';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER library_resource_event_append_only
  BEFORE UPDATE OR DELETE ON library_resource_event
  FOR EACH ROW EXECUTE FUNCTION library_resource_event_append_only();
