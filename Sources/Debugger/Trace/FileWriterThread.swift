// SPDX-License-Identifier: MIT
// Writes filled trace buffers to the file on a thread of its own, so the traced CPU fills the
// next buffer while write(2) copies the last one into the page cache (two buffers, one job at a
// time: a submit waits until the previous buffer is written). POSIX threads, mutex and condition
// variable (pthread_create(3), pthread_cond_wait(3)).
import Glibc

final class FileWriterThread {
    let fd: Int32
    private var mutex = pthread_mutex_t()
    private var cond = pthread_cond_t()
    private var thread = pthread_t()
    /// The buffer being written, if any.
    private var job: (UnsafeMutableRawPointer, Int)?
    private var stopping = false
    /// errno of a failed write(2); later jobs are dropped. Read under the mutex.
    private var error: Int32?

    init(fd: Int32) {
        self.fd = fd
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&cond, nil)
        let context = Unmanaged.passUnretained(self).toOpaque()
        pthread_create(&thread, nil, { context in
            Unmanaged<FileWriterThread>.fromOpaque(context!).takeUnretainedValue().loop()
            return nil
        }, context)
    }

    /// Hands `count` bytes at `buffer` to the thread once the previous job is done; the caller
    /// must not touch `buffer` until the next `submit` or `drain` returns.
    func submit(_ buffer: UnsafeMutableRawPointer, count: Int) {
        pthread_mutex_lock(&mutex)
        while job != nil { pthread_cond_wait(&cond, &mutex) }
        job = (buffer, count)
        pthread_cond_broadcast(&cond)
        pthread_mutex_unlock(&mutex)
    }

    /// Waits until every submitted buffer is written; returns the first write error.
    func drain() -> Int32? {
        pthread_mutex_lock(&mutex)
        while job != nil { pthread_cond_wait(&cond, &mutex) }
        let e = error
        pthread_mutex_unlock(&mutex)
        return e
    }

    /// Drains, ends the thread and closes the file.
    func stop() -> Int32? {
        let e = drain()
        pthread_mutex_lock(&mutex)
        stopping = true
        pthread_cond_broadcast(&cond)
        pthread_mutex_unlock(&mutex)
        pthread_join(thread, nil)
        close(fd)
        pthread_cond_destroy(&cond)
        pthread_mutex_destroy(&mutex)
        return e
    }

    private func loop() {
        pthread_mutex_lock(&mutex)
        while true {
            while job == nil && !stopping { pthread_cond_wait(&cond, &mutex) }
            guard let (buffer, count) = job else { break }
            let failed = error != nil
            pthread_mutex_unlock(&mutex)
            var e: Int32? = nil
            var off = 0
            while !failed && off < count {
                let n = write(fd, buffer + off, count - off)
                if n < 0 { if errno != EINTR { e = errno; break } } else { off += n }
            }
            pthread_mutex_lock(&mutex)
            if let e, error == nil { error = e }
            job = nil
            pthread_cond_broadcast(&cond)
        }
        pthread_mutex_unlock(&mutex)
    }
}
