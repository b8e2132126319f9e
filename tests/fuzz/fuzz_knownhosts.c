/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * libFuzzer target for known_hosts files (ssh-hostkey.c): the bytes are
 * the file, checked as a link checks the gateway's key, an ed25519 key
 * of "gw.example.org" on port 22 or 2222 (the first byte's low bit),
 * through ssh_check_hostkey_blob() (libssh2 parses the host lines,
 * ssh-hostkey.c the @ markers and line numbers).  The check passes or
 * fails with a reason; nothing else.  Seeds: tests/fuzz/corpus/knownhosts.
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/queue.h>
#include <sys/types.h>

#include <libssh2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "ssh.h"
#include "ssh-int.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	path[64];

/* string "ssh-ed25519", string of 32 bytes: the seeds' key. */
static const char key_blob[] =
    "\0\0\0\x0bssh-ed25519\0\0\0\x20"
    "\x5a\x1c\x33\x8e\x02\x9f\x41\x6b\xd0\x17\x8c\x25\x90\xee\x3b\x74"
    "\x11\xa8\x6d\x52\xc9\x0f\x84\x3e\x27\xb6\x99\x40\x1d\xf3\x68\x05";
static const unsigned char key_sha256[32] = { 1, 2, 3, 4, 5, 6, 7, 8 };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ssh	 s;
	static int		 fd = -1;
	char			*cause = NULL;
	int			 r, port;

	if (fd == -1) {
		log_init("fuzz_knownhosts", true, 0);
		if (libssh2_init(0) != 0 ||
		    (s.session = libssh2_session_init()) == NULL)
			abort();
		s.fd = -1;
		/*
		 * A file in memory, without a name (libFuzzer ends with
		 * _Exit(), no atexit()): fopen() reaches it through
		 * /proc/self/fd.  A file on disk cost ext4's flush on
		 * truncate-and-close at every input: 55% of the time.
		 */
		if ((fd = memfd_create("fuzz_knownhosts", MFD_CLOEXEC)) == -1)
			abort();
		(void)snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	port = size > 0 && (data[0] & 1) ? 2222 : 22;
	if (ftruncate(fd, 0) == -1 ||
	    pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	r = ssh_check_hostkey_blob(&s, path, "gw.example.org", port,
	    key_blob, sizeof(key_blob) - 1, LIBSSH2_HOSTKEY_TYPE_ED25519,
	    key_sha256, &cause);
	if (r != SSH_OK && r != SSH_ERR)
		abort();
	if (r == SSH_ERR && (cause == NULL || *cause == '\0'))
		abort();
	if (r == SSH_OK && cause != NULL)
		abort();
	free(cause);
	return 0;
}
