/*
 * writer: a single-producer, single-consumer ring of record batches and
 * the thread that writes them.
 *
 * Slots head..tail-1 belong to the writer thread, slot tail to the receive
 * thread, which fills it without holding the lock; the lock is taken only
 * to move head or tail, once per batch (about a thousand records), so the
 * cost of the handover disappears in the per-record work.
 *
 * The writer wakes at least once a second, even with nothing queued, to
 * flush the open file every -F seconds and, after a write error, to retry
 * the abandoned files and open a new one once there may be space again.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "retention.h"
#include "log.h"
#include "spool.h"
#include "writer.h"

/* After a failure, try again this often (seconds). */
#define RETRY_SECS(w) ((w)->flush_secs > 0 ? (w)->flush_secs : 10)

struct writer {
	struct spool *spool;
	struct retention *retention;
	int flush_secs;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t nonempty, nonfull;
	struct wbatch slots[WRITER_SLOTS];
	struct flowrec *recmem;
	uint64_t head, tail;	/* under mu */
	struct writer_stats st; /* under mu */

	/* Writer thread only. */
	struct ft_counts cur; /* header counters of the open file */
	int want_open;	      /* a file should be open but is not */
	time_t next_retry;    /* after a failure, next attempt */
	time_t last_flush;
	int dirty; /* records since the last flush */
	int stopped;
};

static time_t
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void
count(struct writer *w, uint64_t *field, uint64_t n)
{
	pthread_mutex_lock(&w->mu);
	*field += n;
	pthread_mutex_unlock(&w->mu);
}

/* Open the next file if one should be open; failures retry later. */
static void
try_open(struct writer *w, time_t when)
{
	if (!w->want_open || spool_isopen(w->spool))
		return;
	if (spool_open(w->spool, when) == 0) {
		w->want_open = 0;
		w->last_flush = mono_now();
		return;
	}
	count(w, &w->st.errors, 1);
	w->next_retry = mono_now() + RETRY_SECS(w);
}

static void
finish(struct writer *w, time_t when)
{
	if (spool_isopen(w->spool)) {
		w->cur.cap_end = (uint32_t)when;
		if (spool_close(w->spool, &w->cur) == 0)
			count(w, &w->st.files, 1);
		else
			count(w, &w->st.errors, 1);
		memset(&w->cur, 0, sizeof(w->cur));
	}
	w->dirty = 0;
	spool_retry(w->spool);
	if (w->retention != NULL)
		retention_run(w->retention, 0);
}

static void
process(struct writer *w, struct wbatch *b)
{
	w->cur.lost += b->lost;
	w->cur.corrupt += b->corrupt;
	w->cur.resets += b->resets;
	if (b->n > 0) {
		if (!spool_isopen(w->spool) && w->want_open &&
		    mono_now() >= w->next_retry)
			try_open(w, time(NULL));
		if (spool_isopen(w->spool) &&
		    spool_write(w->spool, b->recs, b->n) == 0) {
			count(w, &w->st.written, b->n);
			w->dirty = 1;
		} else if (!w->want_open) {
			/*
			 * The write failed now and abandoned the file.  A
			 * full or failing disk is retried later; a failed
			 * compressor (EPROTO) at once, in a new file.
			 */
			w->want_open = 1;
			w->next_retry = mono_now() +
			    (errno == EPROTO ? 0 : RETRY_SECS(w));
			pthread_mutex_lock(&w->mu);
			w->st.dropped += b->n;
			w->st.errors++;
			pthread_mutex_unlock(&w->mu);
		} else
			count(w, &w->st.dropped, b->n);
	}
	switch (b->ctl) {
	case WCTL_NONE:
		break;
	case WCTL_OPEN:
		w->want_open = 1;
		try_open(w, b->when);
		break;
	case WCTL_ROTATE:
		finish(w, b->when);
		w->want_open = 1;
		w->next_retry = 0;
		try_open(w, b->when);
		break;
	case WCTL_STOP:
		finish(w, b->when);
		w->want_open = 0;
		w->stopped = 1;
		break;
	}
}

/* Once a second: the periodic flush, and retries after write errors. */
static void
tick(struct writer *w)
{
	time_t now = mono_now();

	if (w->dirty && w->flush_secs > 0 &&
	    now - w->last_flush >= w->flush_secs) {
		if (spool_flush(w->spool) == -1) {
			count(w, &w->st.errors, 1);
			w->want_open = 1;
			w->next_retry = now + RETRY_SECS(w);
		}
		w->last_flush = now;
		w->dirty = 0;
	}
	if (w->want_open && !spool_isopen(w->spool) && now >= w->next_retry) {
		spool_retry(w->spool);
		try_open(w, time(NULL));
	}
}

static void *
writer_main(void *arg)
{
	struct writer *w = arg;
	struct wbatch *b;
	struct timespec ts;

	while (!w->stopped) {
		pthread_mutex_lock(&w->mu);
		if (w->head == w->tail) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			ts.tv_sec += 1;
			pthread_cond_timedwait(&w->nonempty, &w->mu, &ts);
		}
		if (w->head == w->tail) {
			pthread_mutex_unlock(&w->mu);
			tick(w);
			continue;
		}
		b = &w->slots[w->head % WRITER_SLOTS];
		pthread_mutex_unlock(&w->mu);

		process(w, b);

		pthread_mutex_lock(&w->mu);
		w->head++;
		pthread_cond_signal(&w->nonfull);
		pthread_mutex_unlock(&w->mu);
		tick(w);
	}
	return NULL;
}

struct writer *
writer_new(struct spool *spool, struct retention *retention, int flush_secs)
{
	struct writer *w;
	pthread_condattr_t ca;
	sigset_t all, old;
	size_t i;
	int e;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	w->recmem =
	    calloc((size_t)WRITER_SLOTS * WRITER_BATCH, sizeof(*w->recmem));
	if (w->recmem == NULL) {
		free(w);
		return NULL;
	}
	for (i = 0; i < WRITER_SLOTS; i++)
		w->slots[i].recs = w->recmem + i * WRITER_BATCH;
	w->spool = spool;
	w->retention = retention;
	w->flush_secs = flush_secs;
	pthread_mutex_init(&w->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->nonempty, &ca);
	pthread_cond_init(&w->nonfull, &ca);
	pthread_condattr_destroy(&ca);

	/* Signals are the receive thread's business: block them here. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	e = pthread_create(&w->thread, NULL, writer_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e != 0) {
		errno = e;
		free(w->recmem);
		free(w);
		return NULL;
	}
	return w;
}

struct wbatch *
writer_batch(struct writer *w)
{
	return &w->slots[w->tail % WRITER_SLOTS];
}

void
writer_submit(struct writer *w, enum wctl ctl, time_t when)
{
	struct wbatch *b = writer_batch(w);

	b->ctl = ctl;
	b->when = when;
	pthread_mutex_lock(&w->mu);
	w->tail++;
	pthread_cond_signal(&w->nonempty);
	if (w->tail - w->head >= WRITER_SLOTS) {
		w->st.waits++;
		while (w->tail - w->head >= WRITER_SLOTS)
			pthread_cond_wait(&w->nonfull, &w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	b = writer_batch(w);
	b->n = 0;
	b->lost = b->corrupt = b->resets = 0;
	b->ctl = WCTL_NONE;
}

void
writer_free(struct writer *w)
{
	pthread_join(w->thread, NULL);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->nonempty);
	pthread_cond_destroy(&w->nonfull);
	free(w->recmem);
	free(w);
}

void
writer_stats(struct writer *w, struct writer_stats *st)
{
	pthread_mutex_lock(&w->mu);
	*st = w->st;
	pthread_mutex_unlock(&w->mu);
}
