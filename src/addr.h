/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * IPv4 and IPv6 addresses and prefixes: strict parsing, canonical
 * formatting, host-bit checks, containment and overlap.  An address is
 * a prefix of full length (/32 or /128).  Pure functions, no allocation.
 */
#ifndef PPPSSH_ADDR_H
#define PPPSSH_ADDR_H

#include <netinet/in.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Room for "address/length" and the NUL. */
#define ADDR_STRLEN	(INET6_ADDRSTRLEN + 4)

struct prefix {
	int		family;	/* AF_INET, AF_INET6; AF_UNSPEC: unset */
	uint8_t		addr[16]; /* network order; IPv4 in addr[0..3] */
	unsigned	len;	/* prefix length in bits */
};

/* Address width in bits of family: 32, 128, or 0 if unknown. */
unsigned	 addr_bits(int family);

/*
 * Parse a bare address (no "/len") into p as a full-length prefix.
 * family is AF_INET, AF_INET6 or AF_UNSPEC (either).  Returns 0, or -1
 * if s is not an address of that family.
 */
int		 addr_parse(const char *s, int family, struct prefix *p);

/*
 * Parse "address/len" (the length is required, decimal, no sign or
 * leading zero).  On failure returns -1 and sets *cause (caller frees)
 * to one of "S is not a prefix", "S has host bits set (P is the
 * prefix)" or "S is an IPv4-mapped prefix (write it as IPv4)".
 */
int		 addr_prefix_parse(const char *s, struct prefix *p,
		     char **cause);

/* True if p has bits set beyond its length. */
bool		 addr_host_bits_set(const struct prefix *p);
/* Clear the bits beyond p's length. */
void		 addr_mask(struct prefix *p);
/* True if p lies inside ::ffff:0:0/96. */
bool		 addr_is_v4mapped(const struct prefix *p);

bool		 addr_equal(const struct prefix *, const struct prefix *);
/* True if every address of inner is in outer (same family). */
bool		 addr_contains(const struct prefix *outer,
		     const struct prefix *inner);
/* True if a and b share at least one address. */
bool		 addr_overlap(const struct prefix *a, const struct prefix *b);
/* Total order: family, then address, then length; for sorting. */
int		 addr_cmp(const struct prefix *, const struct prefix *);

/* The address alone, canonical (inet_ntop); returns buf. */
const char	*addr_ntop(const struct prefix *p, char *buf, size_t len);
/* "address/len", canonical; returns buf. */
const char	*addr_format(const struct prefix *p, char *buf, size_t len);

#endif
