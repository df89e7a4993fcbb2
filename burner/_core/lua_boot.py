"""The Lua side of the scripting sandbox, loaded once per runtime by lua.py."""

BOOT = rb"""-- The script environment, built once per Lua runtime (burner/_core/lua.py).
--
-- Rules:
-- * Scripts never see the real globals: they run in ENV, a read-only view
--   of G (the sandbox's globals). Missing names are an error, as in Redis.
-- * Library tables (string, math, redis, ...) are read-only views too; the
--   sandbox's next/pairs/rawget see through views, rawset/setmetatable refuse.
-- * Nothing from Python is reachable: Python callables live only in the
--   locals of this chunk and are wrapped in Lua closures.
-- * This chunk is named "=burner": error positions skip its frames.
local py = ...
local py_call, py_now, py_log, py_sha1, py_acl = py.call, py.now, py.log, py.sha1, py.acl
local py_raising_call, py_error_text, py_setresp = py.raising_call, py.error_text, py.setresp
local py_cwrap = py.cwrap
-- Functions that raise errors are called through Python (a C function to
-- Lua), so a script's tail call cannot hide the caller's line from errors.
local function c_boundary(f)
  return py_cwrap(function(...) return pcall(f, ...) end)
end

local type, error, tostring, tonumber, select, next, rawget, rawset, rawequal =
      type, error, tostring, tonumber, select, next, rawget, rawset, rawequal
local setmetatable, getmetatable, pcall, xpcall, unpack, pairs, ipairs =
      setmetatable, getmetatable, pcall, xpcall, unpack, pairs, ipairs
local loadstring, setfenv, floor, huge = loadstring, setfenv, math.floor, math.huge
local sethook, getinfo = debug.sethook, debug.getinfo
local sfind, ssub, sbyte, sformat = string.find, string.sub, string.byte, string.format
local tconcat, tsort = table.concat, table.sort

local READONLY = 'Attempt to modify a readonly table'
local views = setmetatable({}, {__mode = 'k'})    -- view -> the table it shows

local function refuse() error(READONLY, 2) end

local function view(t, missing)
  local v = setmetatable({}, {__index = t, __newindex = refuse, __metatable = false})
  views[v] = t
  if missing then setmetatable(t, {__index = missing}) end
  return v
end

local function copy(t)
  local c = {}
  for k, x in pairs(t) do c[k] = x end
  return c
end

local function nonexistent(_, k)
  error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2)
end

-- sandbox versions of the functions that could see through or write views
local function s_next(t, k) return next(views[t] or t, k) end
local function s_pairs(t)
  if views[t] then return s_next, t, nil end
  return pairs(t)
end
local function s_rawget(t, k) return rawget(views[t] or t, k) end
local function s_rawset(t, k, x)
  if views[t] then error(READONLY, 0) end
  return rawset(t, k, x)
end
local string_mt = getmetatable('')
local string_mt_view = view(string_mt)
local function s_getmetatable(x)
  if views[x] then return getmetatable(views[x]) and {} or nil end
  local tx = type(x)
  if tx == 'userdata' then return nil end
  if tx == 'string' then return string_mt_view end
  return getmetatable(x)
end
local function s_setmetatable(t, m)
  if views[t] then error(READONLY, 0) end
  return setmetatable(t, m)
end

-- the time limit: a count hook checks a deadline; once it fires, it fires on
-- every instruction so that pcall cannot swallow it
local deadline = huge
local killed = nil
local KILLED = 'ERR Script killed by user with SCRIPT KILL...'
local kill_message = KILLED
local HOOK_COUNT = 10000
local function hook()
  local i = getinfo(2, 'S')
  if i and i.source == '=burner' then return end
  if killed then error(killed, 0) end
  if py_now() > deadline then
    killed = {err = kill_message}
    sethook(hook, '', 1)
    error(killed, 0)
  end
end
sethook(hook, '', HOOK_COUNT)

-- errors: a string becomes {err='ERR ...'} (functions: {err=...}); the
-- position is the innermost user frame, as Redis reports it
local err_prefix = 'ERR '
local function where()
  for level = 3, 12 do
    local i = getinfo(level, 'Sl')
    if not i then return nil end
    if i.what ~= 'C' and i.what ~= 'tail' and i.source ~= '=burner' then return i end
  end
  return nil
end
-- errors raised by Python (redis.call) arrive as userdata: only their text
-- goes on
local function plain(e)
  if type(e) == 'userdata' then
    local text, positioned = py_error_text(e)
    if not positioned then return {err = text} end
    local i = where()
    if i then return i.short_src .. ':' .. i.currentline .. ': ' .. text end
    return text
  end
  return e
end
local function handler(e)
  if killed then e = killed end
  e = plain(e)
  if type(e) ~= 'table' then e = {err = err_prefix .. tostring(e)} end
  local i = where()
  if i then
    e.source = i.source
    e.line = i.currentline
  end
  return e
end

-- pcall as Redis replaces it: an error table with an err field becomes its text
local function unwrap(ok, ...)
  if ok then return true, ... end
  if killed then error(killed, 0) end
  local e = plain((...))
  if type(e) == 'table' then
    local m = rawget(e, 'err')
    local tm = type(m)
    if tm == 'string' or tm == 'number' then e = m end
  end
  return false, e
end
local function s_pcall(f, ...) return unwrap(pcall(f, ...)) end
local function s_xpcall(f, h)
  if killed then error(killed, 0) end
  return xpcall(f, function(e) return h(plain(e)) end)
end
local co_resume = coroutine.resume
local function resumed(ok, ...)
  if ok then return true, ... end
  return false, plain((...))
end
local function s_resume(co, ...) return resumed(co_resume(co, ...)) end
-- debug hooks are per coroutine: every coroutine a script makes gets the
-- time-limit hook too
local co_create = coroutine.create
local function s_create(f)
  local co = co_create(f)
  sethook(co, hook, '', killed and 1 or HOOK_COUNT)
  return co
end
local function passed(ok, ...)
  if ok then return ... end
  local e = ...
  if type(e) == 'string' then
    local i = where()
    if i then e = i.short_src .. ':' .. i.currentline .. ': ' .. e end
  end
  error(e, 0)
end
local function s_wrap(f)
  local co = s_create(f)
  return function(...) return passed(co_resume(co, ...)) end
end

-- redis.call / redis.pcall
local script_resp = 2
local function lua_error_text(s)
  -- Redis's luaPushErrorBuff: "-CODE msg" keeps its code, else ERR
  if sbyte(s, 1) == 45 then
    local sp = sfind(s, ' ', 1, true)
    local code, msg
    if sp then code, msg = ssub(s, 2, sp - 1), ssub(s, sp + 1)
    else code, msg = 'ERR', ssub(s, 2) end
    msg = msg:gsub('^[\r\n]+', ''):gsub('[\r\n]+$', '')
    return code .. ' ' .. msg
  end
  local msg = s:gsub('^[\r\n]+', ''):gsub('[\r\n]+$', '')
  return 'ERR ' .. msg
end

local function r_pcall(...)
  local kind, v = py_call(script_resp, ...)
  if kind == 0 then return v end
  if kind == 1 then return {ok = v} end
  if kind == 2 then return {err = v} end
  return v
end
local function fail(msg) error({err = 'ERR ' .. msg}, 0) end

local function r_error_reply(...)
  local s = ...
  if select('#', ...) ~= 1 or type(s) ~= 'string' then
    return {err = 'ERR wrong number or type of arguments'}
  end
  if sbyte(s, 1) ~= 45 then s = '-' .. s end
  return {err = lua_error_text(s)}
end
local function r_status_reply(...)
  local s = ...
  if select('#', ...) ~= 1 or type(s) ~= 'string' then
    return {err = 'ERR wrong number or type of arguments'}
  end
  return {ok = s}
end
local function r_sha1hex(...)
  if select('#', ...) ~= 1 then fail('wrong number of arguments') end
  local s = ...
  local ts = type(s)
  if ts == 'number' then s = tostring(s) elseif ts ~= 'string' then s = '' end
  return py_sha1(s)
end
local function r_log(...)
  local n = select('#', ...)
  if n < 2 then fail('redis.log() requires two arguments or more.') end
  local level = ...
  if type(level) ~= 'number' then fail('First argument must be a number (log level).') end
  if level < 0 or level > 3 then fail('Invalid debug level.') end
  local parts = {}
  for i = 2, n do
    local x = select(i, ...)
    local tx = type(x)
    if tx == 'string' or tx == 'number' then parts[#parts + 1] = tostring(x) end
  end
  py_log(level, tconcat(parts, ' '))
end
local function r_setresp(...)
  if select('#', ...) ~= 1 then fail('redis.setresp() requires one argument.') end
  local v = tonumber((...))
  if v ~= 2 and v ~= 3 then fail('RESP version must be 2 or 3.') end
  script_resp = v
  py_setresp(v)
end
local function r_set_repl(...)
  if select('#', ...) ~= 1 then fail('redis.set_repl() requires two arguments.') end
  local v = tonumber((...)) or 0
  v = v >= 0 and floor(v) or -floor(-v)
  if v < 0 or v > 3 then
    fail('Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.')
  end
end
local function r_acl_check_cmd(...)
  if select('#', ...) < 1 then fail('Please specify at least one argument for this redis lib call') end
  local ok = py_acl(...)
  if not ok then fail('Invalid command passed to redis.acl_check_cmd()') end
  return true
end

-- math.random as Redis's: a 48-bit linear congruential generator (rand48)
local rs_hi, rs_lo = 0, 0x330E   -- state = hi * 2^24 + lo
local function rand48()
  local lo = rs_lo * 0xECE66D + 0xB
  local carry = floor(lo / 16777216)
  lo = lo - carry * 16777216
  local hi = (rs_hi * 0xECE66D + rs_lo * 0x5DE + carry) % 16777216
  rs_hi, rs_lo = hi, lo
  return floor((hi * 16777216 + lo) / 131072)   -- the top 31 bits
end
local function m_random(...)
  local r = (rand48() % 2147483647) / 2147483647
  local n = select('#', ...)
  if n == 0 then return r end
  local m, u = ...
  if n == 1 then
    m = tonumber(m)
    if not m or m < 1 then error("bad argument #1 to 'random' (interval is empty)", 2) end
    return floor(r * m) + 1
  end
  m, u = tonumber(m), tonumber(u)
  if not m or not u or m > u then error("bad argument #2 to 'random' (interval is empty)", 2) end
  return floor(r * (u - m + 1)) + m
end
local function m_randomseed(seed)
  seed = tonumber(seed) or 0
  seed = (seed >= 0 and floor(seed) or -floor(-seed)) % 4294967296
  rs_hi = floor(seed / 256)
  rs_lo = (seed % 256) * 65536 + 0x330E
end

-- the sandbox's globals
local G = {}
for _, name in ipairs{'assert', 'collectgarbage', 'error', 'gcinfo', 'ipairs', 'rawequal',
                      'select', 'tonumber', 'tostring', 'type', 'unpack', '_VERSION'} do
  G[name] = _G[name]
end
G.next, G.pairs, G.rawget, G.rawset = s_next, s_pairs, s_rawget, c_boundary(s_rawset)
G.getmetatable, G.setmetatable = s_getmetatable, c_boundary(s_setmetatable)
G.pcall, G.xpcall = s_pcall, s_xpcall
local ENV
local function load_text(s, name)
  if type(s) == 'string' and sbyte(s, 1) == 27 then
    -- binary chunks are refused the way Redis's patched Lua refuses them
    local src
    if name == '@user_script' or name == '@user_function' then src = ssub(name, 2)
    elseif name then src = '[string "' .. tostring(name) .. '"]'
    else src = '[string "' .. (s:match('^[^%z\n]*')) .. '"]' end
    return nil, src .. ":1: unexpected symbol near 'char(27)'"
  end
  return loadstring(s, name)
end
G.loadstring = function(s, name)
  local f, e = load_text(s, name)
  if f then setfenv(f, ENV) end
  return f, e
end
G.load = function(fn, name)
  if type(fn) == 'string' then return G.loadstring(fn, name) end
  local parts = {}
  while true do
    local piece = fn()
    if piece == nil or piece == '' then break end
    parts[#parts + 1] = piece
  end
  return G.loadstring(tconcat(parts), name or '=(load)')
end
G.__redis__err__handler = function(e) return handler(e) end

local mathlib = copy(math)
mathlib.random, mathlib.randomseed = m_random, m_randomseed
G.math = view(mathlib)
G.string = view(copy(string))
string_mt.__index = G.string
G.table = view(copy(table))
local colib = copy(coroutine)
colib.resume, colib.create, colib.wrap = s_resume, s_create, s_wrap
G.coroutine = view(colib)
-- library functions implemented in Python raise errors that ``plain`` reads
for name, lib in pairs(py.libs) do
  local t = {}
  for k, x in pairs(lib) do t[k] = x end
  G[name] = view(t)
end

local version, version_num = py.version, py.version_num
local function common_api(t)
  t.LOG_DEBUG, t.LOG_VERBOSE, t.LOG_NOTICE, t.LOG_WARNING = 0, 1, 2, 3
  t.REDIS_VERSION, t.REDIS_VERSION_NUM = version, version_num
  t.log = c_boundary(r_log)
  return t
end
local api = common_api{
  call = py_raising_call, pcall = r_pcall, error_reply = r_error_reply, status_reply = r_status_reply,
  sha1hex = c_boundary(r_sha1hex), setresp = c_boundary(r_setresp),
  set_repl = c_boundary(r_set_repl),
  replicate_commands = function() return true end,
  breakpoint = function() return false end, debug = function() end,
  acl_check_cmd = c_boundary(r_acl_check_cmd),
  REPL_NONE = 0, REPL_AOF = 1, REPL_SLAVE = 2, REPL_REPLICA = 2, REPL_ALL = 3,
}
local runtime_api = copy(api)
runtime_api.replicate_commands, runtime_api.breakpoint, runtime_api.debug = nil, nil, nil
G.redis = view(api)

-- Python functions are userdata to Lua; scripts see them as functions
local pyfuncs = setmetatable({}, {__mode = 'k'})
local function collect(t)
  for _, x in pairs(t) do
    if type(x) == 'userdata' and x ~= G.cjson.null then pyfuncs[x] = true end
  end
end
collect(api)
collect(G)
for name in pairs(py.libs) do collect(views[G[name]]) end
local function s_type(...)
  if select('#', ...) == 0 then error("bad argument #1 to 'type' (value expected)", 2) end
  local x = ...
  local t = type(x)
  if t == 'userdata' and pyfuncs[x] then return 'function' end
  return t
end
local function s_tostring(...)
  if select('#', ...) == 0 then error("bad argument #1 to 'tostring' (value expected)", 2) end
  local x = ...
  if pyfuncs[x] then return 'function: builtin' end
  return tostring(x)
end
G.type, G.tostring = s_type, s_tostring

ENV = view(G, nonexistent)
G._G = ENV

-- functions: their chunks share FENV, which shows LOADG while a library
-- loads and the runtime globals (G, with redis sans eval-only parts) after
local registered = nil
local FLAGS = {['no-writes'] = true, ['allow-oom'] = true, ['allow-stale'] = true,
               ['no-cluster'] = true, ['allow-cross-slot-keys'] = true}
local function valid_name(s)
  return type(s) == 'string' and s ~= '' and not sfind(s, '[^%w_]')
end
local function register(name, cb, flags, desc)
  if not valid_name(name) then
    fail('Library names can only contain letters, numbers, or underscores(_) and must be at least one character long')
  end
  if registered[name] then fail('Function already exists in the library') end
  registered[name] = {cb, flags, desc}
  registered[#registered + 1] = name
end
local function register_function(...)
  local n = select('#', ...)
  local a, b = ...
  if n == 1 then
    if type(a) ~= 'table' then
      fail('calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).')
    end
    local name, cb, flags, desc
    for k, v in pairs(a) do
      if k == 'function_name' then name = v
      elseif k == 'callback' then cb = v
      elseif k == 'flags' then flags = v
      elseif k == 'description' then desc = v
      else fail('unknown argument given to redis.register_function') end
    end
    if name == nil then fail('redis.register_function must get a function name argument') end
    if cb == nil then fail('redis.register_function must get a callback argument') end
    if type(cb) ~= 'function' then
      fail('callback argument given to redis.register_function must be a function')
    end
    local fl = {}
    if flags ~= nil then
      if type(flags) ~= 'table' then
        fail('flags argument to redis.register_function must be a table representing function flags')
      end
      for _, f in ipairs(flags) do
        if type(f) ~= 'string' or not FLAGS[f] then fail('unknown flag given') end
        fl[#fl + 1] = f
      end
    end
    if type(desc) == 'number' then desc = tostring(desc)
    elseif type(desc) ~= 'string' then desc = nil end
    if type(name) == 'number' then name = tostring(name) end
    return register(name, cb, fl, desc)
  end
  if n ~= 2 then fail('wrong number of arguments to redis.register_function') end
  if type(a) == 'number' then a = tostring(a) end
  if type(b) ~= 'function' then fail('second argument to redis.register_function must be a function') end
  return register(a, b, {}, nil)
end

local LOADG = {redis = view(common_api{register_function = register_function}, nonexistent)}
LOADG._G = nil
local FENV_META = {__index = LOADG, __newindex = refuse, __metatable = false}
setmetatable(LOADG, {__index = nonexistent})
local FENV = setmetatable({}, FENV_META)
local RUNG = copy(G)
RUNG.redis = view(runtime_api)
RUNG.KEYS, RUNG.ARGV, RUNG.__redis__err__handler = nil, nil, nil
RUNG._G = FENV
setmetatable(RUNG, {__index = nonexistent})
views[FENV] = RUNG

-- conversion of a script's result into a flat list of (tag, value) pairs
local MAXDEPTH = 200
local enc
enc = function(v, out, n, depth)
  local t = type(v)
  if t == 'string' then out[n + 1] = 's'; out[n + 2] = v; return n + 2 end
  if t == 'number' then out[n + 1] = 'i'; out[n + 2] = v; return n + 2 end
  if t == 'boolean' then out[n + 1] = v and 'T' or 'F'; out[n + 2] = false; return n + 2 end
  if t ~= 'table' then out[n + 1] = 'z'; out[n + 2] = false; return n + 2 end
  if depth > MAXDEPTH then out[n + 1] = 'e'; out[n + 2] = 'ERR reached lua stack limit'; return n + 2 end
  local x = rawget(v, 'err')
  if type(x) == 'string' then out[n + 1] = 'e'; out[n + 2] = x; return n + 2 end
  x = rawget(v, 'ok')
  if type(x) == 'string' then out[n + 1] = 'o'; out[n + 2] = x; return n + 2 end
  x = rawget(v, 'double')
  if type(x) == 'number' then out[n + 1] = 'd'; out[n + 2] = x; return n + 2 end
  x = rawget(v, 'big_number')
  if type(x) == 'string' then out[n + 1] = 'g'; out[n + 2] = x; return n + 2 end
  x = rawget(v, 'map')
  if type(x) == 'table' then
    local at = n + 2
    out[n + 1] = 'm'
    n = n + 2
    local count = 0
    for k, val in next, x do
      n = enc(k, out, n, depth + 1)
      n = enc(val, out, n, depth + 1)
      count = count + 1
    end
    out[at] = count
    return n
  end
  x = rawget(v, 'set')
  if type(x) == 'table' then
    local at = n + 2
    out[n + 1] = 'S'
    n = n + 2
    local count = 0
    for k in next, x do
      n = enc(k, out, n, depth + 1)
      count = count + 1
    end
    out[at] = count
    return n
  end
  x = rawget(v, 'verbatim_string')
  if type(x) == 'table' then
    local s, f = rawget(x, 'string'), rawget(x, 'format')
    if type(s) == 'string' and type(f) == 'string' then
      out[n + 1] = 'v'; out[n + 2] = s; return n + 2
    end
  end
  local at = n + 2
  out[n + 1] = 'a'
  n = n + 2
  local i = 1
  while true do
    local item = rawget(v, i)
    if item == nil then break end
    n = enc(item, out, n, depth + 1)
    i = i + 1
  end
  out[at] = i - 1
  return n
end

local function finish(ok, r)
  if not ok then
    local e = r
    if type(e) ~= 'table' then e = {err = err_prefix .. tostring(e)} end
    local m = rawget(e, 'err')
    if type(m) ~= 'string' and type(m) ~= 'number' then m = 'ERR unknown error' end
    return 'E', tostring(m), e.source, e.line
  end
  local t = type(r)
  if t == 'string' then return 's', r end
  if t == 'number' then return 'i', r end
  if t == 'boolean' then return r and 'T' or 'F' end
  if t ~= 'table' then return 'z' end
  local out = {}
  local n = enc(r, out, 0, 0)
  if n < 4000 then return 'L', unpack(out, 1, n) end
  return 'B', out
end

local function reset(dl)
  deadline = dl
  kill_message = KILLED
  if killed then
    killed = nil
    sethook(hook, '', HOOK_COUNT)
  end
  script_resp = 2
end

-- KEYS and ARGV: arguments come as varargs, or as one table when there are
-- too many for the Lua stack
local function split(nkeys, big, ...)
  local keys, argv = {}, {}
  local args, n = big, 0
  if big then n = #big
  else
    n = select('#', ...)
    if n > 0 then args = {...} end
  end
  for i = 1, nkeys do keys[i] = args[i] end
  for i = nkeys + 1, n do argv[i - nkeys] = args[i] end
  return keys, argv
end

local function run_script(fn, dl, nkeys, big, ...)
  reset(dl)
  err_prefix = 'ERR '
  local keys, argv = split(nkeys, big, ...)
  rawset(G, 'KEYS', keys)
  rawset(G, 'ARGV', argv)
  return finish(xpcall(fn, handler))
end

local function run_function(fn, dl, nkeys, big, ...)
  reset(dl)
  err_prefix = ''
  local keys, argv = split(nkeys, big, ...)
  return finish(xpcall(function() return fn(keys, argv) end, handler))
end

local function compile(body, chunkname)
  local f, e = load_text(body, chunkname)
  if not f then return nil, e end
  setfenv(f, ENV)
  return f
end

-- load a library: returns nil, message on failure, else a flat list
-- name, callback, flags (comma-joined), description per function
local function load_library(body, dl)
  local f, e = load_text(body, '@user_function')
  if not f then return false, 'Error compiling function: ' .. e end
  setfenv(f, FENV)
  registered = {}
  reset(dl)
  kill_message = 'ERR FUNCTION LOAD timeout'
  err_prefix = 'ERR '
  FENV_META.__index = LOADG
  local ok, r = xpcall(f, handler)
  FENV_META.__index = RUNG
  local got = registered
  registered = nil
  if not ok then
    local m = type(r) == 'table' and rawget(r, 'err') or r
    return false, 'Error registering functions: ' .. tostring(m)
  end
  local out = {}
  for _, name in ipairs(got) do
    local spec = got[name]
    out[#out + 1] = name
    out[#out + 1] = spec[1]
    out[#out + 1] = tconcat(spec[2], ',')
    out[#out + 1] = spec[3] or false
  end
  return true, out
end
FENV_META.__index = RUNG

return {
  compile = compile,
  run_script = run_script,
  run_function = run_function,
  load_library = load_library,
}
"""
