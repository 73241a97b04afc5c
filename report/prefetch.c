/*
 * prefetch: an ordered hand-over of files read by worker threads.
 *
 * One mutex and one condition variable guard a per-file state (pending,
 * being read, done).  Workers wait while they are "ahead" files in front
 * of the printer; the printer waits for the file it needs.  A worker reads
 * its file completely through input_read(), filtering each block and
 * appending the survivors to that file's array.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prefetch.h"

#define MAX_WORKERS	16

enum { P_PENDING, P_READING, P_DONE };

struct result {
	struct flowrec	*v;
	size_t		 n, cap;
	int		 state;
	int		 damaged, nomem;
};

struct prefetch {
	const struct inlist	*in;
	const struct window	*win;
	const struct filter	*filter;
	struct result		*res;
	size_t			 next;		/* next file to claim */
	size_t			 taken;		/* files handed to the printer */
	int			 ahead, stop, nthreads;
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	pthread_t		 tid[MAX_WORKERS];
};

struct job {
	struct prefetch	*p;
	struct result	*r;
};

static int
keep_block(void *ctx, struct flowrec *recs, size_t n)
{
	struct job *j = ctx;
	struct result *r = j->r;

	n = filter_block(j->p->filter, recs, n);
	if (r->n + n > r->cap) {
		size_t cap = (r->n + n) * 2;
		struct flowrec *v = realloc(r->v, cap * sizeof(*v));

		if (v == NULL) {
			r->nomem = 1;
			return 1;
		}
		r->v = v;
		r->cap = cap;
	}
	memcpy(r->v + r->n, recs, n * sizeof(*recs));
	r->n += n;
	/* Stop early if the printer has already given up (-c reached). */
	return __atomic_load_n(&j->p->stop, __ATOMIC_RELAXED);
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
		    p->next >= p->taken + (size_t)p->ahead)
			pthread_cond_wait(&p->cond, &p->lock);
		if (p->stop || p->next >= p->in->n)
			break;
		i = p->next++;
		p->res[i].state = P_READING;
		pthread_mutex_unlock(&p->lock);

		j.p = p;
		j.r = &p->res[i];
		if (buf == NULL)
			j.r->nomem = 1;
		else if (input_read(&p->in->v[i], p->win, buf, keep_block,
		    &j) == IN_DAMAGED)
			j.r->damaged = 1;

		pthread_mutex_lock(&p->lock);
		p->res[i].state = P_DONE;
		pthread_cond_broadcast(&p->cond);
	}
	pthread_mutex_unlock(&p->lock);
	free(buf);
	return NULL;
}

struct prefetch *
prefetch_start(const struct inlist *in, const struct window *win,
    const struct filter *f, int nthreads, int ahead)
{
	struct prefetch *p;
	int i;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	if ((p->res = calloc(in->n ? in->n : 1, sizeof(*p->res))) == NULL) {
		free(p);
		return NULL;
	}
	p->in = in;
	p->win = win;
	p->filter = f;
	p->ahead = ahead < 1 ? 1 : ahead;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	if (nthreads > MAX_WORKERS)
		nthreads = MAX_WORKERS;
	for (i = 0; i < nthreads; i++) {
		if (pthread_create(&p->tid[i], NULL, worker, p) != 0)
			break;
		p->nthreads++;
	}
	if (p->nthreads == 0) {
		prefetch_stop(p);
		return NULL;
	}
	return p;
}

const struct flowrec *
prefetch_next(struct prefetch *p, size_t *n, int *damaged, int *nomem)
{
	struct result *r;

	pthread_mutex_lock(&p->lock);
	if (p->taken > 0) {
		/* The printer is done with the previous file. */
		r = &p->res[p->taken - 1];
		free(r->v);
		r->v = NULL;
	}
	if (p->taken == p->in->n) {
		pthread_mutex_unlock(&p->lock);
		return NULL;
	}
	r = &p->res[p->taken];
	while (r->state != P_DONE)
		pthread_cond_wait(&p->cond, &p->lock);
	p->taken++;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	*n = r->n;
	*damaged = r->damaged;
	*nomem = r->nomem;
	return r->v != NULL ? r->v : (const struct flowrec *)p->res;
}

void
prefetch_stop(struct prefetch *p)
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
		free(p->res[i].v);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
	free(p->res);
	free(p);
}
