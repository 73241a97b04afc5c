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
 * flush the open files every -F seconds and, after a write error, to retry
 * the abandoned files and open a new one once there may be space again.
 *
 * It keeps one output per file format (flow-tools, IPFIX), each with its
 * spool, its open file and its header counters; a batch holds records of
 * one format, and an output opens its first file only when the receive
 * thread asks for it (the first flow of that format), so a site with only
 * v5 exporters never sees an empty IPFIX file.
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
#include "zstream.h"

/* After a failure, try again this often (seconds). */
#define RETRY_SECS(w) ((w)->flush_secs > 0 ? (w)->flush_secs : 10)
/*
 * Compression speed against the pressure on the writer, taken at each
 * batch: the batches queued in the ring, or the fullest a socket receive
 * buffer was seen while the batch was filled (wbatch.backlog, in the same
 * 1/256ths), whichever is more.  A batch taken in igzip at a quarter
 * switches the files to stored blocks, a batch taken stored at 1/32 or
 * less switches them back.  So the writer stores only what could not be
 * compressed in time: in igzip the queue grows while the input outruns it
 * (or the socket fills while the writer's compression keeps the receive
 * thread from the CPU), in stored blocks (a seventh of the instructions)
 * it drains, and the share of records stored follows the shortfall.  The
 * gap between the marks is the hysteresis: on the queue alone at least 56
 * batches (57,344 records) pass between two switches; a switch costs a
 * full flush, 40-70 bytes per switch and back (igzip's history is lost;
 * docs/PERFORMANCE.md), so even a switch per batch would cost under 0.2%.
 *
 * igzip level 0 (ZSTREAM_SPEED_FAST) is not a step: it takes as many
 * instructions per record as level 1 (callgrind) and about 9% less time
 * (zbench) for files 17% larger, where stored blocks take a seventh of
 * the writer's instructions for files twice as large.
 */
#define SLOWER_MARK (WRITER_SLOTS / 4)
#define FASTER_MARK (WRITER_SLOTS / 32)
/*
 * A writer at the edge of keeping up may switch many times a minute: the
 * first switch after a quiet minute is logged at once, the rest in one
 * summary line at most once a minute (and at the end), with the counts.
 */
#define COMP_LOG_SECS 60

/* One file format's output: writer thread only. */
struct wout {
	struct spool *spool;  /* NULL: this format is not written */
	struct ft_counts cur; /* header counters of the open file */
	int active;	      /* opened once: rotates from then on */
	int want_open;	      /* a file should be open but is not */
	time_t next_retry;    /* after a failure, next attempt */
	time_t last_flush;
	int dirty; /* records since the last flush */
};

struct writer {
	struct wout out[FILEFMT_N];
	struct retention *retention;
	int flush_secs;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t nonempty, nonfull;
	struct wbatch slots[WRITER_SLOTS];
	struct flowrec *recmem;
	uint64_t head, tail;	/* under mu */
	struct writer_stats st; /* under mu */
	int held;		/* under mu: writer_hold() */

	int stopped; /* writer thread only */
	int adapt;   /* the files can change compression speed */
	int speed;   /* ZSTREAM_SPEED_* of the files */
	/* Compression changes and records since the last line logged. */
	time_t log_at; /* monotonic time of that line; 0: none yet */
	uint64_t log_slower, log_faster, log_recs, log_stored;
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

/*
 * The compression changes not logged yet, in one line: at most once every
 * COMP_LOG_SECS, and at the end (force).
 */
static void
comp_summary(struct writer *w, int force)
{
	time_t now;

	if (w->log_slower + w->log_faster == 0)
		return;
	now = mono_now();
	if (!force && now - w->log_at < COMP_LOG_SECS)
		return;
	log_info("compression: %llu change(s) in %lld s (%llu to stored, %llu "
		 "back), %llu of %llu records stored; now %s",
		 (unsigned long long)w->log_slower +
		     (unsigned long long)w->log_faster,
		 (long long)(now - w->log_at),
		 (unsigned long long)w->log_slower,
		 (unsigned long long)w->log_faster,
		 (unsigned long long)w->log_stored,
		 (unsigned long long)w->log_recs, zstream_speed_name(w->speed));
	w->log_at = now;
	w->log_slower = w->log_faster = w->log_recs = w->log_stored = 0;
}

/* A change of speed: logged at once after a quiet spell, else summed up. */
static void
comp_log(struct writer *w, int to, uint64_t queued, unsigned backlog)
{
	time_t now = mono_now();

	if (to > w->speed)
		w->log_slower++;
	else
		w->log_faster++;
	if (w->log_at != 0 && now - w->log_at < COMP_LOG_SECS)
		return;
	if (to > w->speed)
		log_warnx("compression %s -> %s: the writer is behind, "
			  "%llu of %d batches queued, socket buffer %u%% full",
			  zstream_speed_name(w->speed), zstream_speed_name(to),
			  (unsigned long long)queued, WRITER_SLOTS,
			  backlog * 100 / WRITER_SLOTS);
	else
		log_info("compression %s -> %s: the writer caught up, "
			 "%llu of %d batches queued, socket buffer %u%% full",
			 zstream_speed_name(w->speed), zstream_speed_name(to),
			 (unsigned long long)queued, WRITER_SLOTS,
			 backlog * 100 / WRITER_SLOTS);
	w->log_at = now;
	w->log_slower = w->log_faster = w->log_recs = w->log_stored = 0;
}

/* Open the next file if one should be open; failures retry later. */
static void
try_open(struct writer *w, struct wout *o, time_t when)
{
	if (!o->want_open || o->spool == NULL || spool_isopen(o->spool))
		return;
	if (spool_open(o->spool, when) == 0) {
		o->want_open = 0;
		o->last_flush = mono_now();
		return;
	}
	count(w, &w->st.errors, 1);
	o->next_retry = mono_now() + RETRY_SECS(w);
}

static void
finish(struct writer *w, struct wout *o, time_t when)
{
	if (o->spool == NULL)
		return;
	if (spool_isopen(o->spool)) {
		o->cur.cap_end = (uint32_t)when;
		if (spool_close(o->spool, &o->cur) == 0)
			count(w, &w->st.files, 1);
		else
			count(w, &w->st.errors, 1);
		memset(&o->cur, 0, sizeof(o->cur));
	}
	o->dirty = 0;
	spool_retry(o->spool);
}

static void
records(struct writer *w, struct wout *o, struct wbatch *b)
{
	if (!spool_isopen(o->spool) && o->want_open &&
	    mono_now() >= o->next_retry)
		try_open(w, o, time(NULL));
	if (spool_isopen(o->spool) &&
	    spool_write(o->spool, b->recs, b->n) == 0) {
		count(w, &w->st.written, b->n);
		o->dirty = 1;
	} else if (!o->want_open) {
		/*
		 * The write failed now and abandoned the file.  A full or
		 * failing disk is retried later; a failed compressor
		 * (EPROTO) at once, in a new file.
		 */
		o->want_open = 1;
		o->next_retry =
		    mono_now() + (errno == EPROTO ? 0 : RETRY_SECS(w));
		pthread_mutex_lock(&w->mu);
		w->st.dropped += b->n;
		w->st.errors++;
		pthread_mutex_unlock(&w->mu);
	} else
		count(w, &w->st.dropped, b->n);
}

static void
process(struct writer *w, struct wbatch *b)
{
	struct wout *o = &w->out[b->fmt < FILEFMT_N ? b->fmt : 0];
	size_t i;

	o->cur.lost += b->lost;
	o->cur.corrupt += b->corrupt;
	o->cur.resets += b->resets;
	if (b->n > 0) {
		if (o->spool != NULL)
			records(w, o, b);
		else
			count(w, &w->st.dropped, b->n);
	}
	switch (b->ctl) {
	case WCTL_NONE:
		break;
	case WCTL_OPEN:
		o->active = 1;
		o->want_open = 1;
		try_open(w, o, b->when);
		break;
	case WCTL_ROTATE:
		for (i = 0; i < FILEFMT_N; i++) {
			o = &w->out[i];
			if (!o->active)
				continue;
			finish(w, o, b->when);
			o->want_open = 1;
			o->next_retry = 0;
			try_open(w, o, b->when);
		}
		if (w->retention != NULL)
			retention_run(w->retention, 0);
		break;
	case WCTL_STOP:
		comp_summary(w, 1);
		for (i = 0; i < FILEFMT_N; i++) {
			finish(w, &w->out[i], b->when);
			w->out[i].want_open = 0;
		}
		if (w->retention != NULL)
			retention_run(w->retention, 0);
		w->stopped = 1;
		break;
	}
}

/* Once a second: the periodic flush, and retries after write errors. */
static void
tick(struct writer *w)
{
	time_t now = mono_now();
	struct wout *o;
	size_t i;

	for (i = 0; i < FILEFMT_N; i++) {
		o = &w->out[i];
		if (o->spool == NULL)
			continue;
		if (o->dirty && w->flush_secs > 0 &&
		    now - o->last_flush >= w->flush_secs) {
			if (spool_flush(o->spool) == -1) {
				count(w, &w->st.errors, 1);
				o->want_open = 1;
				o->next_retry = now + RETRY_SECS(w);
			}
			o->last_flush = now;
			o->dirty = 0;
		}
		if (o->want_open && !spool_isopen(o->spool) &&
		    now >= o->next_retry) {
			spool_retry(o->spool);
			try_open(w, o, time(NULL));
		}
	}
	comp_summary(w, 0);
}

/*
 * Before batch b, with queued batches waiting (b included): faster or
 * smaller if the pressure says so, in every output, logged and counted.  A
 * file whose compressor fails here is abandoned as on a failed write, and
 * a new one opened at once.
 */
static void
adapt(struct writer *w, const struct wbatch *b, uint64_t queued)
{
	uint64_t pressure = b->backlog > queued ? b->backlog : queued;
	int to = w->speed;
	struct wout *o;
	size_t i;

	if (!w->adapt)
		return;
	if (to == ZSTREAM_SPEED_DEFAULT && pressure >= SLOWER_MARK)
		to = ZSTREAM_SPEED_STORED;
	else if (to == ZSTREAM_SPEED_STORED && pressure <= FASTER_MARK)
		to = ZSTREAM_SPEED_DEFAULT;
	if (to != w->speed) {
		for (i = 0; i < FILEFMT_N; i++) {
			o = &w->out[i];
			if (o->spool != NULL &&
			    spool_speed(o->spool, to) == -1) {
				count(w, &w->st.errors, 1);
				o->want_open = 1;
				o->next_retry = 0;
			}
		}
		comp_log(w, to, queued, b->backlog);
		pthread_mutex_lock(&w->mu);
		if (to > w->speed)
			w->st.slower++;
		else
			w->st.faster++;
		w->st.speed = to;
		pthread_mutex_unlock(&w->mu);
		w->speed = to;
	}
	w->log_recs += b->n;
	if (w->speed == ZSTREAM_SPEED_STORED) {
		w->log_stored += b->n;
		count(w, &w->st.stored, b->n);
	}
}

static void *
writer_main(void *arg)
{
	struct writer *w = arg;
	struct wbatch *b;
	struct timespec ts;
	uint64_t queued;

	while (!w->stopped) {
		pthread_mutex_lock(&w->mu);
		if (w->head == w->tail || w->held) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			ts.tv_sec += 1;
			pthread_cond_timedwait(&w->nonempty, &w->mu, &ts);
		}
		if (w->head == w->tail || w->held) {
			pthread_mutex_unlock(&w->mu);
			tick(w);
			continue;
		}
		b = &w->slots[w->head % WRITER_SLOTS];
		queued = w->tail - w->head;
		pthread_mutex_unlock(&w->mu);

		adapt(w, b, queued);
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
	w->out[FILEFMT_FT].spool = spool;
	w->adapt = spool != NULL && spool_adaptive(spool);
	w->st.speed = w->adapt ? ZSTREAM_SPEED_DEFAULT : -1;
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

void
writer_set_spool(struct writer *w, enum filefmt_id fmt, struct spool *spool)
{
	pthread_mutex_lock(&w->mu);
	w->out[fmt].spool = spool;
	pthread_mutex_unlock(&w->mu);
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
	b->backlog = 0;
	b->ctl = WCTL_NONE;
}

void
writer_hold(struct writer *w, int on)
{
	pthread_mutex_lock(&w->mu);
	w->held = on;
	pthread_cond_signal(&w->nonempty);
	pthread_mutex_unlock(&w->mu);
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
