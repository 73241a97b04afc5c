/*
 * series: time buckets on top of the stats hash table.
 *
 * The bucket number (end time / interval, floored) is split into two
 * 32-bit key words.  At the end the rows are sorted by bucket, and the
 * gaps are filled with empty rows unless that would mean more than
 * SERIES_MAXFILL rows (a stray timestamp from 1970 must not cost
 * gigabytes).
 */
#include <stdlib.h>
#include <string.h>

#include "series.h"

void
series_spec(struct aggspec *s)
{
	memset(s, 0, sizeof(*s));
	s->nkeys = 2;
	s->keys[0] = -1; /* not fields: set by hand below */
	s->keys[1] = -1;
}

static int64_t
bucket(int64_t t, int64_t iv)
{
	return t >= 0 ? t / iv : -((-t + iv - 1) / iv);
}

int
series_add(struct aggtab *t, int64_t iv, const struct flowrec *r, size_t n)
{
	uint32_t k[2];
	uint64_t b;
	size_t i;

	for (i = 0; i < n; i++) {
		b = (uint64_t)bucket(r[i].last_ms, iv);
		k[0] = (uint32_t)(b >> 32);
		k[1] = (uint32_t)b;
		if (agg_tab_add_key(t, k, &r[i]) == -1)
			return -1;
	}
	return 0;
}

static int64_t
row_bucket(const struct aggrow *r)
{
	return (int64_t)((uint64_t)r->key[0] << 32 | r->key[1]);
}

static int
by_bucket(const void *a, const void *b)
{
	int64_t x = row_bucket(a), y = row_bucket(b);

	return x < y ? -1 : x > y;
}

struct aggrow *
series_rows(const struct aggtab *t, int64_t iv, size_t *n)
{
	struct aggrow *rows, *full;
	int64_t b0, b1, b;
	size_t i, k, span;

	if ((rows = agg_tab_rows(t, n)) == NULL)
		return NULL;
	qsort(rows, *n, sizeof(*rows), by_bucket);
	for (i = 0; i < *n; i++) {
		rows[i].r.first_ms = row_bucket(&rows[i]) * iv;
		rows[i].r.last_ms = rows[i].r.first_ms + iv;
	}
	b0 = row_bucket(&rows[0]);
	b1 = row_bucket(&rows[*n - 1]);
	if ((uint64_t)(b1 - b0) >= SERIES_MAXFILL)
		return rows;
	span = (size_t)(b1 - b0) + 1;
	if (span == *n || (full = calloc(span, sizeof(*full))) == NULL)
		return rows;
	for (b = b0, i = 0, k = 0; k < span; k++, b++) {
		if (i < *n && row_bucket(&rows[i]) == b)
			full[k] = rows[i++];
		else {
			full[k].r.first_ms = b * iv;
			full[k].r.last_ms = b * iv + iv;
		}
	}
	free(rows);
	*n = span;
	return full;
}
