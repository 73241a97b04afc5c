/*
 * prefetch: an ordered hand-over of records read by worker threads.
 *
 * Workers claim files in input order, at most "ahead" files beyond the
 * one being printed, and pass the records that survive the filter to the
 * printer in chunks of up to INPUT_BLOCK records, queued per file.  The
 * chunks come from a pool of at most MAX_CHUNKS, allocated on first use
 * and then reused, so memory stays ~10 MiB whatever the file sizes
 * (reading whole files ahead cost 160 MiB on five-minute files of 400k
 * flows, and fresh pages to clear for every file).
 *
 * One chunk of the pool is kept for the file being printed: a worker
 * reading a later file may only take a chunk while two are available.
 * The printer can then always get the current file's records, and free
 * the chunks behind them, however far the others have run ahead.
 *
 * One mutex and one condition variable guard the pool, the queues and the
 * per-file states (pending, being read, done).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prefetch.h"

#define MAX_CHUNKS 32 /* 32 x 4096 records: 10 MiB */

enum { P_PENDING, P_READING, P_DONE };

struct chunk {
	struct chunk *next;
	size_t n; /* records used */
	struct flowrec v[INPUT_BLOCK];
};

struct result {
	struct chunk *head, *tail; /* queued, oldest first */
	int state;
	int damaged, nomem;
};

struct prefetch {
	const struct inlist *in;
	const struct window *win;
	const struct filter *filter;
	struct result *res;
	size_t next;	    /* next file to claim */
	size_t cur;	    /* file being printed */
	struct chunk *free; /* the pool's unused chunks */
	int nalloc;	    /* chunks allocated */
	int nfree;	    /* chunks on the free list */
	struct chunk *held; /* the printer's last chunk */
	int ahead, stop, nthreads;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t *tid; /* nthreads started */
};

struct job {
	struct prefetch *p;
	size_t file;
	struct chunk *c; /* being filled, not yet queued */
};

/* With the lock held: a chunk for file i, or NULL (stopping, ENOMEM). */
static struct chunk *
chunk_get(struct prefetch *p, size_t i)
{
	struct chunk *c;
	int avail;

	for (;;) {
		if (p->stop)
			return NULL;
		avail = p->nfree + (MAX_CHUNKS - p->nalloc);
		if (avail > 1 || (avail == 1 && i == p->cur))
			break;
		pthread_cond_wait(&p->cond, &p->lock);
	}
	if ((c = p->free) != NULL) {
		p->free = c->next;
		p->nfree--;
	} else {
		if ((c = malloc(sizeof(*c))) == NULL)
			return NULL;
		p->nalloc++;
	}
	c->next = NULL;
	c->n = 0;
	return c;
}

/* With the lock held. */
static void
chunk_put(struct prefetch *p, struct chunk *c)
{
	c->next = p->free;
	p->free = c;
	p->nfree++;
	pthread_cond_broadcast(&p->cond);
}

/* With the lock held: queue the job's chunk (if it holds records). */
static void
publish(struct prefetch *p, struct job *j)
{
	struct result *r = &p->res[j->file];

	if (j->c == NULL)
		return;
	if (j->c->n == 0)
		chunk_put(p, j->c);
	else {
		if (r->tail != NULL)
			r->tail->next = j->c;
		else
			r->head = j->c;
		r->tail = j->c;
		pthread_cond_broadcast(&p->cond);
	}
	j->c = NULL;
}

static int
keep_block(void *ctx, struct flowrec *recs, size_t n)
{
	struct job *j = ctx;
	struct prefetch *p = j->p;
	size_t k;

	n = filter_block(p->filter, recs, n);
	while (n > 0) {
		if (j->c == NULL) {
			pthread_mutex_lock(&p->lock);
			j->c = chunk_get(p, j->file);
			if (j->c == NULL && !p->stop)
				p->res[j->file].nomem = 1;
			pthread_mutex_unlock(&p->lock);
			if (j->c == NULL)
				return 1;
		}
		k = INPUT_BLOCK - j->c->n;
		if (k > n)
			k = n;
		memcpy(j->c->v + j->c->n, recs, k * sizeof(*recs));
		j->c->n += k;
		recs += k;
		n -= k;
		if (j->c->n == INPUT_BLOCK) {
			pthread_mutex_lock(&p->lock);
			publish(p, j);
			pthread_mutex_unlock(&p->lock);
		}
	}
	/* Stop early if the printer has already given up (-c reached). */
	return __atomic_load_n(&p->stop, __ATOMIC_RELAXED);
}

static void *
worker(void *arg)
{
	struct prefetch *p = arg;
	struct flowrec *buf = malloc(INPUT_BLOCK * sizeof(*buf));
	struct job j;
	size_t i;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->stop && p->next < p->in->n &&
		       p->next >= p->cur + (size_t)p->ahead)
			pthread_cond_wait(&p->cond, &p->lock);
		if (p->stop || p->next >= p->in->n)
			break;
		i = p->next++;
		p->res[i].state = P_READING;
		pthread_mutex_unlock(&p->lock);

		j.p = p;
		j.file = i;
		j.c = NULL;
		if (buf == NULL)
			p->res[i].nomem = 1;
		else if (input_read(&p->in->v[i], p->win, buf, keep_block, &j,
				    NULL) == IN_DAMAGED)
			p->res[i].damaged = 1;

		pthread_mutex_lock(&p->lock);
		publish(p, &j);
		p->res[i].state = P_DONE;
		pthread_cond_broadcast(&p->cond);
	}
	pthread_mutex_unlock(&p->lock);
	free(buf);
	return NULL;
}

struct prefetch *
prefetch_new(const struct inlist *in, const struct window *win,
	     const struct filter *f, int nthreads, int ahead)
{
	struct prefetch *p;
	int i;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	if (nthreads < 1)
		nthreads = 1;
	if ((p->res = calloc(in->n ? in->n : 1, sizeof(*p->res))) == NULL ||
	    (p->tid = calloc((size_t)nthreads, sizeof(*p->tid))) == NULL) {
		free(p->res);
		free(p);
		return NULL;
	}
	p->in = in;
	p->win = win;
	p->filter = f;
	p->ahead = ahead < 1 ? 1 : ahead;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	for (i = 0; i < nthreads; i++) {
		if (pthread_create(&p->tid[i], NULL, worker, p) != 0)
			break;
		p->nthreads++;
	}
	if (p->nthreads == 0) {
		prefetch_free(p);
		return NULL;
	}
	return p;
}

int
prefetch_next(struct prefetch *p, const struct flowrec **recs, size_t *n,
	      int *damaged, int *nomem)
{
	struct result *r;
	struct chunk *c;

	pthread_mutex_lock(&p->lock);
	if (p->held != NULL) {
		/* The printer is done with the previous chunk. */
		chunk_put(p, p->held);
		p->held = NULL;
	}
	if (p->cur == p->in->n) {
		pthread_mutex_unlock(&p->lock);
		return 0;
	}
	r = &p->res[p->cur];
	while (r->head == NULL && r->state != P_DONE)
		pthread_cond_wait(&p->cond, &p->lock);
	*damaged = *nomem = 0;
	if ((c = r->head) != NULL) {
		r->head = c->next;
		if (r->head == NULL)
			r->tail = NULL;
		p->held = c;
		*recs = c->v;
		*n = c->n;
	} else {
		/* The file is finished: its errors, and on to the next. */
		*recs = NULL;
		*n = 0;
		*damaged = r->damaged;
		*nomem = r->nomem;
		p->cur++;
		pthread_cond_broadcast(&p->cond);
	}
	pthread_mutex_unlock(&p->lock);
	return 1;
}

static void
free_list(struct chunk *c)
{
	struct chunk *next;

	for (; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
}

void
prefetch_free(struct prefetch *p)
{
	size_t i;
	int t;

	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	__atomic_store_n(&p->stop, 1, __ATOMIC_RELAXED);
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	for (t = 0; t < p->nthreads; t++)
		pthread_join(p->tid[t], NULL);
	for (i = 0; i < p->in->n; i++)
		free_list(p->res[i].head);
	free_list(p->free);
	free(p->held);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
	free(p->res);
	free(p->tid);
	free(p);
}
