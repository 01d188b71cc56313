// N-API entry points of gauntlet's native kernels. Every tensor arrives as a Float32Array (a view of
// the tfjs wasm heap, or any other float32 memory) and its length is checked against the shape, so
// a wrong call throws a JavaScript error instead of touching memory it does not own.
#include <node_api.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "kernels.h"

namespace {

using namespace gauntlet;

struct Impl {
  const char* name;
  void (*conv2d)(const ConvShape&, const float*, const float*, const float*, bool, float*);
  void (*conv2dBackpropInput)(const ConvShape&, const float*, const float*, float*);
  void (*maxPoolGrad)(const PoolShape&, const float*, const float*, float*);
  void (*maxPool)(const PoolShape&, const float*, float*);
  void (*matMul)(const MatMulShape&, const float*, const float*, const float*, bool, float*);
  void (*reluMask)(size_t, const float*, float*);
  void (*softmaxCrossEntropy)(int32_t, int32_t, const float*, const int32_t*, float*, float*);
};

#define GAUNTLET_IMPL(NS) \
  Impl { #NS, NS::conv2d, NS::conv2dBackpropInput, NS::maxPoolGrad, NS::maxPool, NS::matMul, NS::reluMask, NS::softmaxCrossEntropy }
const Impl kGeneric = GAUNTLET_IMPL(generic);
#if defined(__x86_64__)
const Impl kAvx2 = GAUNTLET_IMPL(avx2);
#endif

bool cpuHasAvx2() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

/** The default for this CPU; a function-local static, so worker threads loading the addon at once are safe. */
const Impl* defaultImpl() {
#if defined(__x86_64__)
  static const Impl* const chosen = cpuHasAvx2() ? &kAvx2 : &kGeneric;
#else
  static const Impl* const chosen = &kGeneric;
#endif
  return chosen;
}

/** The kernels in use, shared by every thread of the process (useIsa switches them for all). */
std::atomic<const Impl*> current{nullptr};

struct Failure {
  std::string message;
};

}  // namespace

namespace gauntlet {
namespace {

inline void cpuRelax() {
#if defined(__x86_64__)
  __builtin_ia32_pause();
#endif
}

/** Spins until done(), yielding the CPU now and then: a waiter may share its CPU with the thread it waits for. */
template <typename Done>
void spinUntil(const Done& done) {
  for (int i = 0; !done(); i++) {
    cpuRelax();
    if ((i & 63) == 63) std::this_thread::yield();
  }
}

/**
 * Threads that run parts of large products beside the calling thread, started when first needed and
 * kept for the life of the process. Between jobs a helper spins for kSpin before it sleeps, so the
 * products of one model call (a forward layer, then its gradient a fraction of a millisecond later)
 * find it awake: waking a sleeping thread on these virtual CPUs took up to a few hundred µs.
 * One job at a time: a caller that finds the helpers busy (another JavaScript thread's product) runs
 * its parts alone, which changes no value. Never destroyed (threads are detached), so nothing is torn
 * down under a helper at exit.
 */
class Helpers {
 public:
  static Helpers& instance() {
    static Helpers* const helpers = new Helpers();
    return *helpers;
  }

  void run(int parts, int threads, void (*part)(void*, int), void* context) {
    std::unique_lock<std::mutex> busy(busy_, std::try_to_lock);
    const int wanted = std::min(threads, parts) - 1;
    if (!busy.owns_lock() || wanted <= 0) {
      for (int p = 0; p < parts; p++) part(context, p);
      return;
    }
    start(wanted);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      part_ = part;
      context_ = context;
      parts_ = parts;
      next_.store(0, std::memory_order_relaxed);
      done_.store(0, std::memory_order_relaxed);
      seats_ = wanted;
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    claim(part, context, parts);
    spinUntil([&] { return done_.load(std::memory_order_acquire) >= parts; });
    // no helper may join once the job is over; wait for those that joined to leave it
    {
      std::lock_guard<std::mutex> lock(mutex_);
      seats_ = 0;
    }
    spinUntil([&] { return inside_.load(std::memory_order_acquire) == 0; });
  }

 private:
  static constexpr std::chrono::microseconds kSpin{2000};

  void start(int wanted) {
    while (int(threads_.size()) < wanted) {
      threads_.emplace_back([this] { loop(); });
      threads_.back().detach();
    }
  }

  void claim(void (*part)(void*, int), void* context, int parts) {
    for (int p = next_.fetch_add(1, std::memory_order_relaxed); p < parts; p = next_.fetch_add(1, std::memory_order_relaxed)) {
      part(context, p);
      done_.fetch_add(1, std::memory_order_release);
    }
  }

  void loop() {
    uint64_t seen = generation_.load(std::memory_order_acquire);
    for (;;) {
      const auto spinUntil = std::chrono::steady_clock::now() + kSpin;
      for (int i = 0; generation_.load(std::memory_order_acquire) == seen; i++) {
        cpuRelax();
        // yield now and then: a spinning helper that shares its CPU with the caller (or any other
        // runnable thread) must not hold it for its whole spin; without this, calls stalled for ~kSpin
        if ((i & 63) == 63) std::this_thread::yield();
        if ((i & 255) == 255 && std::chrono::steady_clock::now() > spinUntil) {
          std::unique_lock<std::mutex> lock(mutex_);
          wake_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen; });
          break;
        }
      }
      void (*part)(void*, int) = nullptr;
      void* context = nullptr;
      int parts = 0;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        seen = generation_.load(std::memory_order_acquire);
        if (seats_ == 0) continue;
        seats_--;
        inside_.fetch_add(1, std::memory_order_acq_rel);
        part = part_;
        context = context_;
        parts = parts_;
      }
      claim(part, context, parts);
      inside_.fetch_sub(1, std::memory_order_acq_rel);
    }
  }

  std::mutex busy_;  // held by the caller whose job the helpers serve
  std::vector<std::thread> threads_;
  std::mutex mutex_;  // guards the job's fields and seats_
  std::condition_variable wake_;
  std::atomic<uint64_t> generation_{0};
  void (*part_)(void*, int) = nullptr;
  void* context_ = nullptr;
  int parts_ = 0;
  int seats_ = 0;  // helpers that may still join the current job
  std::atomic<int> next_{0};
  std::atomic<int> done_{0};
  std::atomic<int> inside_{0};
};

}  // namespace

void runParts(int parts, int threads, void (*part)(void* context, int p), void* context) {
  Helpers::instance().run(parts, threads, part, context);
}

void outOfMemory(size_t bytes) {
  throw Failure{"gauntlet native: out of memory (could not allocate " + std::to_string(bytes) + " bytes)"};
}
}  // namespace gauntlet

namespace {

napi_value fail(napi_env env, const std::string& message) {
  napi_throw_error(env, nullptr, message.c_str());
  return nullptr;
}

/** Runs an entry point's body; a Failure becomes a JavaScript Error with its message. */
template <typename Body>
napi_value guarded(napi_env env, Body&& body) {
  try {
    body();
    return nullptr;
  } catch (const Failure& f) {
    return fail(env, f.message);
  }
}

void check(napi_status status, const char* what) {
  if (status != napi_ok) throw Failure{std::string("gauntlet native: ") + what};
}

template <size_t N>
void args(napi_env env, napi_callback_info info, napi_value (&out)[N]) {
  size_t count = N;
  check(napi_get_cb_info(env, info, &count, out, nullptr, nullptr), "bad call");
  if (count < N) throw Failure{"gauntlet native: expected " + std::to_string(N) + " arguments"};
}

/** The data of a typed array of the given type, checked to hold exactly `length` elements. */
template <typename T>
T* typedArray(napi_env env, napi_value value, napi_typedarray_type type, size_t length, const char* name) {
  bool is = false;
  check(napi_is_typedarray(env, value, &is), name);
  if (!is) throw Failure{std::string("gauntlet native: ") + name + " must be a typed array"};
  napi_typedarray_type actual;
  size_t count = 0;
  void* data = nullptr;
  check(napi_get_typedarray_info(env, value, &actual, &count, &data, nullptr, nullptr), name);
  if (actual != type) throw Failure{std::string("gauntlet native: ") + name + " has the wrong element type"};
  if (length != SIZE_MAX && count != length) {
    throw Failure{std::string("gauntlet native: ") + name + " holds " + std::to_string(count) + " elements, expected " +
                  std::to_string(length)};
  }
  return static_cast<T*>(data);
}

const float* input(napi_env env, napi_value value, size_t length, const char* name) {
  return typedArray<float>(env, value, napi_float32_array, length, name);
}

float* output(napi_env env, napi_value value, size_t length, const char* name) {
  return typedArray<float>(env, value, napi_float32_array, length, name);
}

bool isNullish(napi_env env, napi_value value) {
  napi_valuetype type;
  check(napi_typeof(env, value, &type), "typeof");
  return type == napi_null || type == napi_undefined;
}

ConvShape convShape(napi_env env, napi_value dims) {
  const int32_t* d = typedArray<int32_t>(env, dims, napi_int32_array, 11, "conv dims");
  ConvShape s{d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10]};
  if (s.n < 0 || s.h <= 0 || s.w <= 0 || s.c <= 0 || s.kh <= 0 || s.kw <= 0 || s.co <= 0 || s.oh <= 0 || s.ow <= 0 ||
      s.top < 0 || s.left < 0 || s.top >= s.kh || s.left >= s.kw) {
    throw Failure{"gauntlet native: unsupported convolution shape"};
  }
  return s;
}

size_t elements(int32_t a, int32_t b, int32_t c, int32_t d) { return size_t(a) * size_t(b) * size_t(c) * size_t(d); }

// conv2d(dims: Int32Array[n,h,w,c,kh,kw,co,oh,ow,top,left], x, filter, bias | null, relu: boolean, out)
napi_value Conv2d(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    napi_value a[6];
    args(env, info, a);
    const ConvShape s = convShape(env, a[0]);
    const float* x = input(env, a[1], elements(s.n, s.h, s.w, s.c), "x");
    const float* filter = input(env, a[2], elements(s.kh, s.kw, s.c, s.co), "filter");
    const float* bias = isNullish(env, a[3]) ? nullptr : input(env, a[3], s.co, "bias");
    bool relu = false;
    check(napi_get_value_bool(env, a[4], &relu), "relu must be a boolean");
    float* out = output(env, a[5], elements(s.n, s.oh, s.ow, s.co), "out");
    current.load()->conv2d(s, x, filter, bias, relu, out);
  });
}

// conv2dBackpropInput(dims as for conv2d, dy [n,oh,ow,co], filter, dx [n,h,w,c])
napi_value Conv2dBackpropInput(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    napi_value a[4];
    args(env, info, a);
    const ConvShape s = convShape(env, a[0]);
    const float* dy = input(env, a[1], elements(s.n, s.oh, s.ow, s.co), "dy");
    const float* filter = input(env, a[2], elements(s.kh, s.kw, s.c, s.co), "filter");
    float* dx = output(env, a[3], elements(s.n, s.h, s.w, s.c), "dx");
    current.load()->conv2dBackpropInput(s, dy, filter, dx);
  });
}

PoolShape poolShape(napi_env env, napi_value dims) {
  const int32_t* d = typedArray<int32_t>(env, dims, napi_int32_array, 12, "pool dims");
  const PoolShape s{d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[11]};
  if (s.n < 0 || s.h <= 0 || s.w <= 0 || s.c <= 0 || s.fh <= 0 || s.fw <= 0 || s.sh <= 0 || s.sw <= 0 || s.oh <= 0 ||
      s.ow <= 0) {
    throw Failure{"gauntlet native: unsupported pooling shape"};
  }
  return s;
}

// maxPoolGrad(dims: Int32Array[n,h,w,c,fh,fw,sh,sw,oh,ow,top,left], x, dy, dx)
napi_value MaxPoolGrad(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    napi_value a[4];
    args(env, info, a);
    const PoolShape s = poolShape(env, a[0]);
    const float* x = input(env, a[1], elements(s.n, s.h, s.w, s.c), "x");
    const float* dy = input(env, a[2], elements(s.n, s.oh, s.ow, s.c), "dy");
    float* dx = output(env, a[3], elements(s.n, s.h, s.w, s.c), "dx");
    current.load()->maxPoolGrad(s, x, dy, dx);
  });
}

// maxPool(dims as for maxPoolGrad, x, y)
napi_value MaxPool(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    napi_value a[3];
    args(env, info, a);
    const PoolShape s = poolShape(env, a[0]);
    const float* x = input(env, a[1], elements(s.n, s.h, s.w, s.c), "x");
    float* y = output(env, a[2], elements(s.n, s.oh, s.ow, s.c), "y");
    current.load()->maxPool(s, x, y);
  });
}

// matMul(dims: Int32Array[batch,m,k,n,transposeA,transposeB,broadcastA,broadcastB,threads], a, b, bias | null, relu, c)
napi_value MatMul(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    napi_value a[6];
    args(env, info, a);
    const int32_t* d = typedArray<int32_t>(env, a[0], napi_int32_array, 9, "matMul dims");
    const MatMulShape s{d[0], d[1], d[2], d[3], d[4] != 0, d[5] != 0, d[6] != 0, d[7] != 0, d[8]};
    if (s.batch <= 0 || s.m <= 0 || s.k <= 0 || s.n <= 0 || s.threads < 1 || s.threads > 64) {
      throw Failure{"gauntlet native: unsupported matMul shape"};
    }
    const size_t batchA = s.broadcastA ? 1 : size_t(s.batch);
    const size_t batchB = s.broadcastB ? 1 : size_t(s.batch);
    const float* left = input(env, a[1], batchA * s.m * s.k, "a");
    const float* right = input(env, a[2], batchB * s.k * s.n, "b");
    const float* bias = isNullish(env, a[3]) ? nullptr : input(env, a[3], s.n, "bias");
    bool relu = false;
    check(napi_get_value_bool(env, a[4], &relu), "relu must be a boolean");
    float* out = output(env, a[5], size_t(s.batch) * s.m * s.n, "c");
    current.load()->matMul(s, left, right, bias, relu, out);
  });
}

// reluMask(activation, values): values[i] = 0 where !(activation[i] > 0); both the same length
napi_value ReluMask(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    napi_value a[2];
    args(env, info, a);
    size_t count = 0;
    check(napi_get_typedarray_info(env, a[1], nullptr, &count, nullptr, nullptr, nullptr), "values must be a Float32Array");
    const float* activation = input(env, a[0], count, "activation");
    float* values = output(env, a[1], count, "values");
    current.load()->reluMask(count, activation, values);
  });
}

// softmaxCrossEntropy(dims: Int32Array[rows, classes], logits, labels: Int32Array, loss [rows], upstream [rows·classes])
napi_value SoftmaxCrossEntropy(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    napi_value a[5];
    args(env, info, a);
    const int32_t* d = typedArray<int32_t>(env, a[0], napi_int32_array, 2, "softmaxCrossEntropy dims");
    const int32_t rows = d[0];
    const int32_t classes = d[1];
    if (rows < 0 || classes <= 0) throw Failure{"gauntlet native: unsupported softmaxCrossEntropy shape"};
    const float* logits = input(env, a[1], size_t(rows) * classes, "logits");
    const int32_t* labels = typedArray<int32_t>(env, a[2], napi_int32_array, size_t(rows), "labels");
    for (int32_t r = 0; r < rows; r++) {
      if (labels[r] < 0 || labels[r] >= classes) {
        throw Failure{"gauntlet native: label " + std::to_string(labels[r]) + " of row " + std::to_string(r) +
                      " is outside 0.." + std::to_string(classes - 1)};
      }
    }
    float* loss = output(env, a[3], size_t(rows), "loss");
    float* upstream = output(env, a[4], size_t(rows) * classes, "upstream");
    current.load()->softmaxCrossEntropy(rows, classes, logits, labels, loss, upstream);
  });
}

// isa(): the instruction set in use; useIsa('avx2' | 'generic') switches (tests compare the two)
napi_value Isa(napi_env env, napi_callback_info) {
  napi_value result;
  napi_create_string_utf8(env, current.load()->name, NAPI_AUTO_LENGTH, &result);
  return result;
}

napi_value UseIsa(napi_env env, napi_callback_info info) {
  try {
    napi_value a[1];
    args(env, info, a);
    char name[16] = {0};
    size_t length = 0;
    check(napi_get_value_string_utf8(env, a[0], name, sizeof name, &length), "isa must be a string");
    if (std::strcmp(name, "generic") == 0) {
      current = &kGeneric;
#if defined(__x86_64__)
    } else if (std::strcmp(name, "avx2") == 0 && cpuHasAvx2()) {
      current = &kAvx2;
#endif
    } else {
      throw Failure{std::string("gauntlet native: instruction set '") + name + "' is not available here"};
    }
    return Isa(env, info);
  } catch (const Failure& f) {
    return fail(env, f.message);
  }
}

}  // namespace

NAPI_MODULE_INIT() {
  const Impl* none = nullptr;
  current.compare_exchange_strong(none, defaultImpl());
  const napi_property_descriptor functions[] = {
      {"conv2d", nullptr, Conv2d, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"conv2dBackpropInput", nullptr, Conv2dBackpropInput, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"maxPoolGrad", nullptr, MaxPoolGrad, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"maxPool", nullptr, MaxPool, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"matMul", nullptr, MatMul, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"reluMask", nullptr, ReluMask, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"softmaxCrossEntropy", nullptr, SoftmaxCrossEntropy, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"isa", nullptr, Isa, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"useIsa", nullptr, UseIsa, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions);
  return exports;
}
