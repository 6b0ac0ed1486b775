/* fuzz_fcgi - libFuzzer harness: any bytes as what a web server sends
 * to the FastCGI responder, read request by request as a worker reads
 * them (the answers to management records go back into the socket). */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/util.h"
#include "web/fcgi.h"

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
    struct fcgi_request rq;
    char err[ERRLEN];
    int sv[2];

    /* A socket pair holds far more than libFuzzer's inputs (4 kB by
     * default), so writing it all first cannot block. */
    if (n > 65536 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        return 0;
    if (write(sv[0], data, n) != (ssize_t)n) {
        close(sv[0]), close(sv[1]);
        return 0;
    }
    shutdown(sv[0], SHUT_WR);
    for (int i = 0; i < 16 && fcgi_read_request(&rq, sv[1], 4096, err) == 1;
         i++) {
        (void)fcgi_param(&rq, "CONTENT_LENGTH");
        fcgi_write_response(sv[1], rq.id, rq.body, rq.body_len);
        fcgi_request_free(&rq);
    }
    close(sv[0]), close(sv[1]);
    return 0;
}
