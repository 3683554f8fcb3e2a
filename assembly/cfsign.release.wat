(module
 (type $0 (func (param i32 i32 i32) (result i32)))
 (type $1 (func (param i32 i32) (result i32)))
 (type $2 (func (param i32 i32 i32 i32) (result i32)))
 (type $3 (func (param i32 i32 i32 i32 i32) (result i32)))
 (type $4 (func (param i32 i64) (result i32)))
 (type $5 (func (param i32 i32) (result i64)))
 (type $6 (func (param i32 i32 i32 i32 i32 i32) (result i32)))
 (type $7 (func (param i32 i32 i32) (result f64)))
 (type $8 (func (param i32 i32) (result f64)))
 (type $9 (func (result i32)))
 (global $assembly/rewrite/lineStop (mut i32) (i32.const 0))
 (global $assembly/rewrite/lineNl (mut i32) (i32.const 0))
 (memory $0 1)
 (data $0 (i32.const 1032) "btn\00fr")
 (data $1 (i32.const 1056) "0123456789abcdef")
 (data $2 (i32.const 1072) "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899")
 (data $3 (i32.const 1272) "{\"Statement\":[{\"Resource\":\"")
 (data $4 (i32.const 1299) "\",\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":")
 (data $5 (i32.const 1346) ",\"IpAddress\":{\"AWS:SourceIp\":\"")
 (data $6 (i32.const 1376) ",\"DateGreaterThan\":{\"AWS:EpochTime\":")
 (data $7 (i32.const 1412) "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-~")
 (data $8 (i32.const 1476) "\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff>\ff\ff456789:;<=\ff\ff\ff\ff\ff\ff\ff\00\01\02\03\04\05\06\07\08\t\n\0b\0c\r\0e\0f\10\11\12\13\14\15\16\17\18\19\ff\ff\ff\ff\ff\ff\1a\1b\1c\1d\1e\1f !\"#$%&\'()*+,-./0123\ff\ff\ff?\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff")
 (data $9 (i32.const 1732) "Expires=")
 (data $10 (i32.const 1740) "Policy=")
 (data $11 (i32.const 1747) "&Signature=")
 (data $12 (i32.const 1758) "\t\t\t\t\t\t\t\t\t\t\n\t\t\0b\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\00\t\t\00\03\05\07\00\00\00\08\00\00\02\01")
 (data $12.1 (i32.const 1818) "\t\06\t\04")
 (data $12.2 (i32.const 1849) "\t\t\t\t\00\t")
 (data $12.3 (i32.const 1881) "\t\t\t\00\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t")
 (data $13 (i32.const 2014) "policyexpiressignaturekey-pair-idhash-algorithm")
 (data $14 (i32.const 2061) "x-amz-awsaccesskeyid")
 (export "heapBase" (func $assembly/index/heapBase))
 (export "base64Encode" (func $assembly/index/base64Encode))
 (export "base64Decode" (func $assembly/index/base64Decode))
 (export "utf8Lengths" (func $assembly/utf8/utf8Lengths))
 (export "policiesSize" (func $assembly/policy/policiesSize))
 (export "policiesWrite" (func $assembly/policy/policiesWrite))
 (export "urlsSize" (func $assembly/url/urlsSize))
 (export "urlsWrite" (func $assembly/url/urlsWrite))
 (export "countLines" (func $assembly/rewrite/countLines))
 (export "rewriteLines" (func $assembly/rewrite/rewriteLines))
 (export "memory" (memory $0))
 (func $assembly/bytes/copy (param $0 i32) (param $1 i32) (param $2 i32) (result i32)
  (local $3 i32)
  (local $4 i32)
  local.get $2
  i32.const 128
  i32.gt_u
  if
   local.get $0
   local.get $1
   local.get $2
   memory.copy
  else
   local.get $2
   i32.const 8
   i32.ge_u
   if
    loop $for-loop|0
     local.get $3
     i32.const 8
     i32.add
     local.tee $4
     local.get $2
     i32.le_u
     if
      local.get $0
      local.get $3
      i32.add
      local.get $1
      local.get $3
      i32.add
      i64.load
      i64.store
      local.get $4
      local.set $3
      br $for-loop|0
     end
    end
    local.get $2
    local.get $3
    i32.gt_u
    if
     local.get $0
     local.get $2
     i32.add
     i32.const 8
     i32.sub
     local.get $1
     local.get $2
     i32.add
     i32.const 8
     i32.sub
     i64.load
     i64.store
    end
   else
    loop $for-loop|1
     local.get $2
     local.get $3
     i32.gt_u
     if
      local.get $0
      local.get $3
      i32.add
      local.get $1
      local.get $3
      i32.add
      i32.load8_u
      i32.store8
      local.get $3
      i32.const 1
      i32.add
      local.set $3
      br $for-loop|1
     end
    end
   end
  end
  local.get $0
  local.get $2
  i32.add
 )
 (func $assembly/rewrite/isSigningName (param $0 i32) (param $1 i32) (result i32)
  (local $2 i32)
  local.get $1
  i32.const 6
  i32.ge_u
  if (result i32)
   block $__inlined_func$assembly/rewrite/sameName$5 (result i32)
    loop $for-loop|0
     local.get $2
     i32.const 6
     i32.lt_u
     if
      i32.const 0
      local.get $2
      i32.const 2061
      i32.add
      i32.load8_u
      local.get $0
      local.get $2
      i32.add
      i32.load8_u
      i32.const 32
      i32.or
      i32.ne
      br_if $__inlined_func$assembly/rewrite/sameName$5
      drop
      local.get $2
      i32.const 1
      i32.add
      local.set $2
      br $for-loop|0
     end
    end
    i32.const 1
   end
  else
   i32.const 0
  end
  if
   i32.const 1
   return
  end
  local.get $1
  i32.const 6
  i32.eq
  if
   i32.const 0
   local.set $1
   block $__inlined_func$assembly/rewrite/sameName$6 (result i32)
    loop $for-loop|00
     local.get $1
     i32.const 6
     i32.lt_u
     if
      i32.const 0
      local.get $1
      i32.const 2014
      i32.add
      i32.load8_u
      local.get $0
      local.get $1
      i32.add
      i32.load8_u
      i32.const 32
      i32.or
      i32.ne
      br_if $__inlined_func$assembly/rewrite/sameName$6
      drop
      local.get $1
      i32.const 1
      i32.add
      local.set $1
      br $for-loop|00
     end
    end
    i32.const 1
   end
   return
  end
  local.get $1
  i32.const 7
  i32.eq
  if
   i32.const 0
   local.set $1
   block $__inlined_func$assembly/rewrite/sameName$7 (result i32)
    loop $for-loop|01
     local.get $1
     i32.const 7
     i32.lt_u
     if
      i32.const 0
      local.get $1
      i32.const 2020
      i32.add
      i32.load8_u
      local.get $0
      local.get $1
      i32.add
      i32.load8_u
      i32.const 32
      i32.or
      i32.ne
      br_if $__inlined_func$assembly/rewrite/sameName$7
      drop
      local.get $1
      i32.const 1
      i32.add
      local.set $1
      br $for-loop|01
     end
    end
    i32.const 1
   end
   return
  end
  local.get $1
  i32.const 9
  i32.eq
  if
   i32.const 0
   local.set $1
   block $__inlined_func$assembly/rewrite/sameName$8 (result i32)
    loop $for-loop|02
     local.get $1
     i32.const 9
     i32.lt_u
     if
      i32.const 0
      local.get $1
      i32.const 2027
      i32.add
      i32.load8_u
      local.get $0
      local.get $1
      i32.add
      i32.load8_u
      i32.const 32
      i32.or
      i32.ne
      br_if $__inlined_func$assembly/rewrite/sameName$8
      drop
      local.get $1
      i32.const 1
      i32.add
      local.set $1
      br $for-loop|02
     end
    end
    i32.const 1
   end
   return
  end
  local.get $1
  i32.const 11
  i32.eq
  if
   i32.const 0
   local.set $1
   block $__inlined_func$assembly/rewrite/sameName$9 (result i32)
    loop $for-loop|03
     local.get $1
     i32.const 11
     i32.lt_u
     if
      i32.const 0
      local.get $1
      i32.const 2036
      i32.add
      i32.load8_u
      local.get $0
      local.get $1
      i32.add
      i32.load8_u
      i32.const 32
      i32.or
      i32.ne
      br_if $__inlined_func$assembly/rewrite/sameName$9
      drop
      local.get $1
      i32.const 1
      i32.add
      local.set $1
      br $for-loop|03
     end
    end
    i32.const 1
   end
   return
  end
  local.get $1
  i32.const 14
  i32.eq
  if
   i32.const 0
   local.set $1
   block $__inlined_func$assembly/rewrite/sameName$10 (result i32)
    loop $for-loop|04
     local.get $1
     i32.const 14
     i32.lt_u
     if
      i32.const 0
      local.get $1
      i32.const 2047
      i32.add
      i32.load8_u
      local.get $0
      local.get $1
      i32.add
      i32.load8_u
      i32.const 32
      i32.or
      i32.ne
      br_if $__inlined_func$assembly/rewrite/sameName$10
      drop
      local.get $1
      i32.const 1
      i32.add
      local.set $1
      br $for-loop|04
     end
    end
    i32.const 1
   end
   if (result i32)
    i32.const 1
   else
    i32.const 0
    local.set $1
    block $__inlined_func$assembly/rewrite/sameName$11 (result i32)
     loop $for-loop|05
      local.get $1
      i32.const 14
      i32.lt_u
      if
       i32.const 0
       local.get $1
       i32.const 2067
       i32.add
       i32.load8_u
       local.get $0
       local.get $1
       i32.add
       i32.load8_u
       i32.const 32
       i32.or
       i32.ne
       br_if $__inlined_func$assembly/rewrite/sameName$11
       drop
       local.get $1
       i32.const 1
       i32.add
       local.set $1
       br $for-loop|05
      end
     end
     i32.const 1
    end
   end
   return
  end
  i32.const 0
 )
 (func $assembly/json/writeDecimal (param $0 i32) (param $1 i64) (result i32)
  (local $2 i64)
  (local $3 i32)
  (local $4 i32)
  local.get $1
  local.set $2
  i32.const 1
  local.set $3
  loop $while-continue|0
   local.get $2
   i64.const 10
   i64.ge_u
   if
    local.get $2
    i64.const 10000
    i64.ge_u
    if (result i64)
     local.get $3
     i32.const 4
     i32.add
     local.set $3
     local.get $2
     i64.const 10000
     i64.div_u
    else
     local.get $3
     i32.const 1
     i32.add
     local.set $3
     local.get $2
     i64.const 10
     i64.div_u
    end
    local.set $2
    br $while-continue|0
   end
  end
  local.get $0
  local.get $3
  i32.add
  local.tee $3
  local.set $0
  loop $while-continue|01
   local.get $1
   i64.const 100
   i64.ge_u
   if
    local.get $1
    i64.const 100
    i64.rem_u
    i32.wrap_i64
    local.set $4
    local.get $1
    i64.const 100
    i64.div_u
    local.set $1
    local.get $0
    i32.const 2
    i32.sub
    local.tee $0
    local.get $4
    i32.const 1
    i32.shl
    i32.const 1072
    i32.add
    i32.load16_u
    i32.store16
    br $while-continue|01
   end
  end
  local.get $1
  i64.const 10
  i64.ge_u
  if
   local.get $0
   i32.const 2
   i32.sub
   local.get $1
   i32.wrap_i64
   i32.const 1
   i32.shl
   i32.const 1072
   i32.add
   i32.load16_u
   i32.store16
  else
   local.get $0
   i32.const 1
   i32.sub
   local.get $1
   i32.wrap_i64
   i32.const 48
   i32.add
   i32.store8
  end
  local.get $3
 )
 (func $assembly/base64/writeBase64 (param $0 i32) (param $1 i32) (param $2 i32) (result i32)
  (local $3 i32)
  (local $4 i32)
  local.get $1
  local.get $2
  i32.add
  local.get $2
  i32.const 3
  i32.rem_u
  i32.sub
  local.set $4
  loop $for-loop|0
   local.get $1
   local.get $4
   i32.lt_u
   if
    local.get $0
    local.get $1
    i32.load8_u offset=2
    local.get $1
    i32.load8_u
    i32.const 16
    i32.shl
    local.get $1
    i32.load8_u offset=1
    i32.const 8
    i32.shl
    i32.or
    i32.or
    local.tee $3
    i32.const 18
    i32.shr_u
    i32.const 1412
    i32.add
    i32.load8_u
    local.get $3
    i32.const 12
    i32.shr_u
    i32.const 63
    i32.and
    i32.const 1412
    i32.add
    i32.load8_u
    i32.const 8
    i32.shl
    i32.or
    local.get $3
    i32.const 6
    i32.shr_u
    i32.const 63
    i32.and
    i32.const 1412
    i32.add
    i32.load8_u
    i32.const 16
    i32.shl
    i32.or
    local.get $3
    i32.const 63
    i32.and
    i32.const 1412
    i32.add
    i32.load8_u
    i32.const 24
    i32.shl
    i32.or
    i32.store
    local.get $0
    i32.const 4
    i32.add
    local.set $0
    local.get $1
    i32.const 3
    i32.add
    local.set $1
    br $for-loop|0
   end
  end
  local.get $2
  i32.const 3
  i32.rem_u
  local.tee $2
  i32.const 1
  i32.eq
  if (result i32)
   local.get $0
   local.get $1
   i32.load8_u
   i32.const 16
   i32.shl
   local.tee $1
   i32.const 18
   i32.shr_u
   i32.const 1412
   i32.add
   i32.load8_u
   local.get $1
   i32.const 12
   i32.shr_u
   i32.const 63
   i32.and
   i32.const 1412
   i32.add
   i32.load8_u
   i32.const 8
   i32.shl
   i32.or
   i32.const 1600061440
   i32.or
   i32.store
   local.get $0
   i32.const 4
   i32.add
  else
   local.get $2
   i32.const 2
   i32.eq
   if (result i32)
    local.get $0
    local.get $1
    i32.load8_u
    i32.const 16
    i32.shl
    local.get $1
    i32.load8_u offset=1
    i32.const 8
    i32.shl
    i32.or
    local.tee $1
    i32.const 18
    i32.shr_u
    i32.const 1412
    i32.add
    i32.load8_u
    local.get $1
    i32.const 12
    i32.shr_u
    i32.const 63
    i32.and
    i32.const 1412
    i32.add
    i32.load8_u
    i32.const 8
    i32.shl
    i32.or
    local.get $1
    i32.const 6
    i32.shr_u
    i32.const 63
    i32.and
    i32.const 1412
    i32.add
    i32.load8_u
    i32.const 16
    i32.shl
    i32.or
    i32.const 1593835520
    i32.or
    i32.store
    local.get $0
    i32.const 4
    i32.add
   else
    local.get $0
   end
  end
 )
 (func $assembly/json/writeEscaped (param $0 i32) (param $1 i32) (param $2 i32) (result i32)
  (local $3 i64)
  (local $4 i32)
  (local $5 i32)
  (local $6 i64)
  (local $7 i32)
  local.get $1
  local.get $2
  i32.add
  local.set $4
  loop $for-loop|0
   local.get $1
   i32.const 8
   i32.add
   local.get $4
   i32.le_u
   if
    block $for-continue|0
     local.get $1
     i64.load
     local.tee $3
     i64.const 2314885530818453536
     i64.sub
     local.get $3
     i64.const -1
     i64.xor
     i64.and
     i64.const -9187201950435737472
     i64.and
     i64.const 0
     i64.ne
     if (result i32)
      i32.const 1
     else
      local.get $3
      i64.const 2459565876494606882
      i64.xor
      local.tee $6
      i64.const 72340172838076673
      i64.sub
      local.get $6
      i64.const -1
      i64.xor
      i64.and
      i64.const -9187201950435737472
      i64.and
      i64.const 0
      i64.ne
     end
     if (result i32)
      i32.const 1
     else
      local.get $3
      i64.const 6655295901103053916
      i64.xor
      local.tee $6
      i64.const 72340172838076673
      i64.sub
      local.get $6
      i64.const -1
      i64.xor
      i64.and
      i64.const -9187201950435737472
      i64.and
      i64.const 0
      i64.ne
     end
     i32.eqz
     if
      local.get $0
      local.get $3
      i64.store
      local.get $0
      i32.const 8
      i32.add
      local.set $0
      br $for-continue|0
     end
     i32.const 0
     local.set $2
     loop $for-loop|1
      local.get $2
      i32.const 8
      i32.lt_u
      if
       block $assembly/json/writeEscapedByte|inlined.0 (result i32)
        local.get $1
        local.get $2
        i32.add
        i32.load8_u
        local.tee $5
        i32.const 32
        i32.ge_u
        if
         local.get $5
         i32.const 92
         i32.ne
         local.get $5
         i32.const 34
         i32.ne
         i32.and
         if
          local.get $0
          local.get $5
          i32.store8
          local.get $0
          i32.const 1
          i32.add
          br $assembly/json/writeEscapedByte|inlined.0
         end
         local.get $0
         local.get $5
         i32.const 8
         i32.shl
         i32.const 92
         i32.or
         i32.store16
         local.get $0
         i32.const 2
         i32.add
         br $assembly/json/writeEscapedByte|inlined.0
        end
        local.get $5
        i32.const 1024
        i32.add
        i32.load8_u
        local.tee $7
        if
         local.get $0
         local.get $7
         i32.const 8
         i32.shl
         i32.const 92
         i32.or
         i32.store16
         local.get $0
         i32.const 2
         i32.add
         br $assembly/json/writeEscapedByte|inlined.0
        end
        local.get $0
        i32.const 808482140
        i32.store
        local.get $0
        local.get $5
        i32.const 4
        i32.shr_u
        i32.const 1056
        i32.add
        i32.load8_u
        i32.store8 offset=4
        local.get $0
        local.get $5
        i32.const 15
        i32.and
        i32.const 1056
        i32.add
        i32.load8_u
        i32.store8 offset=5
        local.get $0
        i32.const 6
        i32.add
       end
       local.set $0
       local.get $2
       i32.const 1
       i32.add
       local.set $2
       br $for-loop|1
      end
     end
    end
    local.get $1
    i32.const 8
    i32.add
    local.set $1
    br $for-loop|0
   end
  end
  loop $for-loop|2
   local.get $1
   local.get $4
   i32.lt_u
   if
    block $assembly/json/writeEscapedByte|inlined.1 (result i32)
     local.get $1
     i32.load8_u
     local.tee $2
     i32.const 32
     i32.ge_u
     if
      local.get $2
      i32.const 92
      i32.ne
      local.get $2
      i32.const 34
      i32.ne
      i32.and
      if
       local.get $0
       local.get $2
       i32.store8
       local.get $0
       i32.const 1
       i32.add
       br $assembly/json/writeEscapedByte|inlined.1
      end
      local.get $0
      local.get $2
      i32.const 8
      i32.shl
      i32.const 92
      i32.or
      i32.store16
      local.get $0
      i32.const 2
      i32.add
      br $assembly/json/writeEscapedByte|inlined.1
     end
     local.get $2
     i32.const 1024
     i32.add
     i32.load8_u
     local.tee $5
     if
      local.get $0
      local.get $5
      i32.const 8
      i32.shl
      i32.const 92
      i32.or
      i32.store16
      local.get $0
      i32.const 2
      i32.add
      br $assembly/json/writeEscapedByte|inlined.1
     end
     local.get $0
     i32.const 808482140
     i32.store
     local.get $0
     local.get $2
     i32.const 4
     i32.shr_u
     i32.const 1056
     i32.add
     i32.load8_u
     i32.store8 offset=4
     local.get $0
     local.get $2
     i32.const 15
     i32.and
     i32.const 1056
     i32.add
     i32.load8_u
     i32.store8 offset=5
     local.get $0
     i32.const 6
     i32.add
    end
    local.set $0
    local.get $1
    i32.const 1
    i32.add
    local.set $1
    br $for-loop|2
   end
  end
  local.get $0
 )
 (func $assembly/json/escapedLength (param $0 i32) (param $1 i32) (result i64)
  (local $2 i64)
  (local $3 i32)
  (local $4 i32)
  (local $5 i32)
  (local $6 i64)
  (local $7 i64)
  local.get $0
  local.get $1
  i32.add
  local.set $5
  loop $for-loop|0
   local.get $0
   i32.const 8
   i32.add
   local.get $5
   i32.le_u
   if
    local.get $0
    i64.load
    local.tee $6
    i64.const 2314885530818453536
    i64.sub
    local.get $6
    i64.const -1
    i64.xor
    i64.and
    i64.const -9187201950435737472
    i64.and
    i64.const 0
    i64.ne
    if (result i32)
     i32.const 1
    else
     local.get $6
     i64.const 2459565876494606882
     i64.xor
     local.tee $7
     i64.const 72340172838076673
     i64.sub
     local.get $7
     i64.const -1
     i64.xor
     i64.and
     i64.const -9187201950435737472
     i64.and
     i64.const 0
     i64.ne
    end
    if (result i32)
     i32.const 1
    else
     local.get $6
     i64.const 6655295901103053916
     i64.xor
     local.tee $6
     i64.const 72340172838076673
     i64.sub
     local.get $6
     i64.const -1
     i64.xor
     i64.and
     i64.const -9187201950435737472
     i64.and
     i64.const 0
     i64.ne
    end
    if
     i32.const 0
     local.set $3
     loop $for-loop|1
      local.get $3
      i32.const 8
      i32.lt_u
      if
       local.get $0
       local.get $3
       i32.add
       i32.load8_u
       local.tee $4
       i32.const 92
       i32.eq
       local.get $4
       i32.const 34
       i32.eq
       i32.or
       i64.extend_i32_u
       local.set $6
       local.get $4
       i32.const 32
       i32.lt_u
       if (result i64)
        i64.const 1
        i64.const 5
        local.get $4
        i32.const 1024
        i32.add
        i32.load8_u
        select
       else
        local.get $6
       end
       local.get $2
       i64.add
       local.set $2
       local.get $3
       i32.const 1
       i32.add
       local.set $3
       br $for-loop|1
      end
     end
    end
    local.get $0
    i32.const 8
    i32.add
    local.set $0
    br $for-loop|0
   end
  end
  loop $for-loop|2
   local.get $0
   local.get $5
   i32.lt_u
   if
    local.get $0
    i32.load8_u
    local.tee $3
    i32.const 92
    i32.eq
    local.get $3
    i32.const 34
    i32.eq
    i32.or
    i64.extend_i32_u
    local.set $6
    local.get $3
    i32.const 32
    i32.lt_u
    if (result i64)
     i64.const 1
     i64.const 5
     local.get $3
     i32.const 1024
     i32.add
     i32.load8_u
     select
    else
     local.get $6
    end
    local.get $2
    i64.add
    local.set $2
    local.get $0
    i32.const 1
    i32.add
    local.set $0
    br $for-loop|2
   end
  end
  local.get $1
  i64.extend_i32_u
  local.get $2
  i64.add
 )
 (func $assembly/utf8/utf8Lengths (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (result i32)
  (local $4 i32)
  (local $5 i32)
  (local $6 i32)
  (local $7 i32)
  (local $8 i32)
  (local $9 i32)
  local.get $0
  local.get $1
  i32.add
  local.set $6
  local.get $0
  local.set $1
  loop $for-loop|0
   local.get $3
   local.get $7
   i32.gt_u
   if
    local.get $2
    local.get $7
    i32.const 2
    i32.shl
    i32.add
    local.tee $9
    i32.load
    local.set $5
    local.get $1
    local.set $4
    loop $while-continue|1
     local.get $1
     local.get $6
     i32.lt_u
     i32.const 0
     local.get $5
     select
     if
      local.get $1
      i32.const 8
      i32.add
      local.get $6
      i32.le_u
      local.get $5
      i32.const 8
      i32.ge_u
      i32.and
      if (result i64)
       local.get $1
       i64.load
       i64.const -9187201950435737472
       i64.and
      else
       i64.const 1
      end
      i64.eqz
      if
       local.get $1
       i32.const 8
       i32.add
       local.set $1
       local.get $5
       i32.const 8
       i32.sub
       local.set $5
       br $while-continue|1
      end
      local.get $1
      i32.load8_u
      local.tee $8
      i32.const 128
      i32.lt_u
      if (result i32)
       local.get $5
       i32.const 1
       i32.sub
       local.set $5
       local.get $1
       i32.const 1
       i32.add
      else
       local.get $8
       i32.const 224
       i32.lt_u
       if (result i32)
        local.get $5
        i32.const 1
        i32.sub
        local.set $5
        local.get $1
        i32.const 2
        i32.add
       else
        local.get $8
        i32.const 240
        i32.lt_u
        if (result i32)
         local.get $5
         i32.const 1
         i32.sub
         local.set $5
         local.get $1
         i32.const 3
         i32.add
        else
         local.get $5
         i32.const 2
         i32.sub
         i32.const 0
         local.get $5
         i32.const 2
         i32.ge_u
         select
         local.set $5
         local.get $1
         i32.const 4
         i32.add
        end
       end
      end
      local.set $1
      br $while-continue|1
     end
    end
    local.get $9
    local.get $6
    local.get $1
    local.get $1
    local.get $6
    i32.gt_u
    select
    local.tee $1
    local.get $4
    i32.sub
    i32.store
    local.get $7
    i32.const 1
    i32.add
    local.set $7
    br $for-loop|0
   end
  end
  local.get $1
  local.get $0
  i32.sub
 )
 (func $assembly/url/urlsWrite (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (param $4 i32) (param $5 i32) (result i32)
  (local $6 i32)
  (local $7 i32)
  (local $8 i32)
  (local $9 i64)
  (local $10 i32)
  (local $11 i32)
  (local $12 i32)
  (local $13 i32)
  (local $14 i32)
  local.get $4
  local.set $8
  local.get $5
  i32.const 0
  i32.store
  loop $for-loop|0
   local.get $1
   local.get $12
   i32.gt_u
   if
    local.get $0
    local.get $12
    i32.const 40
    i32.mul
    i32.add
    local.tee $14
    i32.load offset=16
    local.set $11
    local.get $14
    i32.load offset=12
    local.set $10
    i32.const 0
    local.set $13
    i32.const 0
    local.set $6
    loop $for-loop|1
     local.get $6
     i32.const 8
     i32.add
     local.tee $7
     local.get $11
     i32.le_u
     if
      local.get $6
      local.get $8
      i32.add
      local.get $6
      local.get $10
      i32.add
      i64.load
      local.tee $9
      i64.store
      local.get $13
      local.get $9
      i64.const 4557430888798830399
      i64.xor
      local.tee $9
      i64.const 72340172838076673
      i64.sub
      local.get $9
      i64.const -1
      i64.xor
      i64.and
      i64.const -9187201950435737472
      i64.and
      i64.const 0
      i64.ne
      i32.or
      local.set $13
      local.get $7
      local.set $6
      br $for-loop|1
     end
    end
    loop $for-loop|2
     local.get $6
     local.get $11
     i32.lt_u
     if
      local.get $6
      local.get $8
      i32.add
      local.get $6
      local.get $10
      i32.add
      i32.load8_u
      local.tee $7
      i32.store8
      local.get $13
      local.get $7
      i32.const 63
      i32.eq
      i32.or
      local.set $13
      local.get $6
      i32.const 1
      i32.add
      local.set $6
      br $for-loop|2
     end
    end
    local.get $8
    local.get $11
    i32.add
    local.tee $6
    i32.const 1
    i32.add
    local.set $7
    local.get $6
    i32.const 38
    i32.const 63
    local.get $13
    select
    i32.store8
    local.get $5
    local.get $12
    i32.const 1
    i32.add
    i32.const 2
    i32.shl
    i32.add
    local.get $14
    i32.load offset=8
    i32.const 1
    i32.and
    if (result i32)
     local.get $7
     i32.const 1740
     i32.const 7
     call $assembly/bytes/copy
     local.get $14
     i32.load offset=20
     local.get $14
     i32.load offset=24
     call $assembly/base64/writeBase64
    else
     local.get $7
     i32.const 1732
     i32.const 8
     call $assembly/bytes/copy
     local.get $14
     f64.load
     i64.trunc_sat_f64_u
     call $assembly/json/writeDecimal
    end
    i32.const 1747
    i32.const 11
    call $assembly/bytes/copy
    local.get $14
    i32.load offset=28
    local.get $14
    i32.load offset=32
    call $assembly/base64/writeBase64
    local.get $2
    local.get $3
    call $assembly/bytes/copy
    local.tee $8
    local.get $4
    i32.sub
    i32.store
    local.get $12
    i32.const 1
    i32.add
    local.set $12
    br $for-loop|0
   end
  end
  local.get $8
  local.get $4
  i32.sub
 )
 (func $assembly/url/urlsSize (param $0 i32) (param $1 i32) (param $2 i32) (result f64)
  (local $3 i32)
  (local $4 i64)
  (local $5 i32)
  (local $6 i64)
  loop $for-loop|0
   local.get $1
   local.get $5
   i32.gt_u
   if
    local.get $4
    local.get $2
    i64.extend_i32_u
    local.get $0
    local.get $5
    i32.const 40
    i32.mul
    i32.add
    local.tee $3
    i64.load32_u offset=16
    i64.const 12
    i64.add
    i64.add
    local.get $3
    i64.load32_u offset=32
    i64.const 2
    i64.add
    i64.const 3
    i64.div_u
    i64.const 2
    i64.shl
    i64.add
    i64.add
    local.set $6
    local.get $3
    i32.load offset=8
    i32.const 1
    i32.and
    if (result i64)
     local.get $3
     i64.load32_u offset=24
     i64.const 2
     i64.add
     i64.const 3
     i64.div_u
     i64.const 2
     i64.shl
     i64.const 7
     i64.add
    else
     local.get $3
     f64.load
     i64.trunc_sat_f64_u
     local.set $4
     i32.const 1
     local.set $3
     loop $while-continue|0
      local.get $4
      i64.const 10
      i64.ge_u
      if
       local.get $4
       i64.const 10000
       i64.ge_u
       if (result i64)
        local.get $3
        i32.const 4
        i32.add
        local.set $3
        local.get $4
        i64.const 10000
        i64.div_u
       else
        local.get $3
        i32.const 1
        i32.add
        local.set $3
        local.get $4
        i64.const 10
        i64.div_u
       end
       local.set $4
       br $while-continue|0
      end
     end
     local.get $3
     i64.extend_i32_u
     i64.const 8
     i64.add
    end
    local.get $6
    i64.add
    local.set $4
    local.get $5
    i32.const 1
    i32.add
    local.set $5
    br $for-loop|0
   end
  end
  local.get $4
  f64.convert_i64_u
 )
 (func $assembly/rewrite/scanLine (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (param $4 i32) (result i32)
  (local $5 i32)
  (local $6 i32)
  (local $7 i32)
  (local $8 i32)
  block $folding-inner0
   local.get $1
   local.get $0
   i32.sub
   local.get $3
   i32.lt_u
   br_if $folding-inner0
   loop $for-loop|0
    local.get $5
    i32.const 8
    i32.add
    local.tee $6
    local.get $3
    i32.le_u
    if
     local.get $0
     local.get $5
     i32.add
     i64.load
     local.get $2
     local.get $5
     i32.add
     i64.load
     i64.ne
     br_if $folding-inner0
     local.get $6
     local.set $5
     br $for-loop|0
    end
   end
   loop $for-loop|1
    local.get $3
    local.get $5
    i32.gt_u
    if
     local.get $0
     local.get $5
     i32.add
     i32.load8_u
     local.get $2
     local.get $5
     i32.add
     i32.load8_u
     i32.ne
     br_if $folding-inner0
     local.get $5
     i32.const 1
     i32.add
     local.set $5
     br $for-loop|1
    end
   end
   i32.const 0
   local.set $5
   i32.const 0
   local.set $2
   local.get $0
   local.get $4
   i32.add
   local.set $3
   loop $for-loop|2
    block $for-break2
     local.get $1
     local.get $3
     i32.eq
     if
      local.get $1
      global.set $assembly/rewrite/lineNl
      global.get $assembly/rewrite/lineNl
      global.set $assembly/rewrite/lineStop
      br $for-break2
     end
     block $for-continue|2 (result i32)
      local.get $3
      i32.load8_u
      local.tee $0
      i32.const 1758
      i32.add
      i32.load8_u
      local.tee $4
      i32.eqz
      if
       local.get $0
       br $for-continue|2
      end
      local.get $4
      i32.const 10
      i32.eq
      if
       local.get $3
       global.set $assembly/rewrite/lineNl
       global.get $assembly/rewrite/lineNl
       global.set $assembly/rewrite/lineStop
       br $for-break2
      end
      local.get $4
      i32.const 11
      i32.eq
      if
       local.get $3
       i32.const 1
       i32.add
       local.get $1
       i32.eq
       if
        local.get $3
        global.set $assembly/rewrite/lineStop
        local.get $1
        global.set $assembly/rewrite/lineNl
        br $for-break2
       end
       local.get $3
       i32.load8_u offset=1
       i32.const 10
       i32.eq
       if
        local.get $3
        global.set $assembly/rewrite/lineStop
        local.get $3
        i32.const 1
        i32.add
        global.set $assembly/rewrite/lineNl
        br $for-break2
       end
       br $folding-inner0
      end
      local.get $4
      i32.const 9
      i32.eq
      br_if $folding-inner0
      local.get $7
      if
       local.get $4
       i32.const 5
       i32.eq
       if
        local.get $2
        i32.const 63
        i32.eq
        local.get $2
        i32.const 38
        i32.eq
        i32.or
        if (result i32)
         i32.const 1
        else
         local.get $3
         i32.const 1
         i32.add
         local.tee $2
         local.get $1
         i32.ge_u
         if (result i32)
          i32.const 1
         else
          local.get $2
          i32.load8_u
          local.tee $4
          i32.const 10
          i32.eq
          if (result i32)
           i32.const 1
          else
           local.get $4
           i32.const 13
           i32.eq
           if (result i32)
            local.get $2
            i32.const 1
            i32.add
            local.get $1
            i32.eq
            if (result i32)
             i32.const 1
            else
             local.get $2
             i32.load8_u offset=1
             i32.const 10
             i32.eq
            end
           else
            i32.const 0
           end
          end
         end
        end
        br_if $folding-inner0
        local.get $5
        if (result i32)
         local.get $8
         local.get $3
         local.get $8
         i32.sub
         call $assembly/rewrite/isSigningName
        else
         i32.const 0
        end
        br_if $folding-inner0
        i32.const 1
        local.set $5
        local.get $3
        i32.const 1
        i32.add
        local.set $8
       else
        local.get $4
        i32.const 6
        i32.eq
        if
         local.get $5
         if
          local.get $8
          local.get $3
          local.get $8
          i32.sub
          call $assembly/rewrite/isSigningName
          br_if $folding-inner0
          i32.const 0
          local.set $5
         end
        else
         local.get $4
         i32.const 3
         i32.eq
         if
          local.get $5
          if (result i32)
           i32.const 0
          else
           local.get $3
           i32.const 2
           i32.add
           local.get $1
           i32.lt_u
           if (result i32)
            local.get $3
            i32.load8_u offset=1
            local.tee $2
            i32.const 48
            i32.sub
            i32.const 10
            i32.lt_u
            if (result i32)
             i32.const 1
            else
             local.get $2
             i32.const 32
             i32.or
             i32.const 97
             i32.sub
             i32.const 6
             i32.lt_u
            end
           else
            i32.const 0
           end
           if (result i32)
            local.get $3
            i32.load8_u offset=2
            local.tee $2
            i32.const 48
            i32.sub
            i32.const 10
            i32.lt_u
            if (result i32)
             i32.const 1
            else
             local.get $2
             i32.const 32
             i32.or
             i32.const 97
             i32.sub
             i32.const 6
             i32.lt_u
            end
           else
            i32.const 0
           end
          end
          i32.eqz
          br_if $folding-inner0
         else
          local.get $4
          i32.const 7
          i32.eq
          if
           br $folding-inner0
          else
           local.get $4
           i32.const 8
           i32.eq
           local.get $5
           i32.and
           br_if $folding-inner0
          end
         end
        end
       end
      else
       local.get $4
       i32.const 3
       i32.eq
       local.tee $6
       local.get $4
       i32.const 2
       i32.eq
       i32.or
       if
        local.get $2
        i32.const 47
        i32.eq
        br_if $folding-inner0
        local.get $6
        if (result i32)
         local.get $3
         i32.const 2
         i32.add
         local.get $1
         i32.lt_u
         if (result i32)
          local.get $3
          i32.load8_u offset=1
          local.tee $2
          i32.const 48
          i32.sub
          i32.const 10
          i32.lt_u
          if (result i32)
           i32.const 1
          else
           local.get $2
           i32.const 32
           i32.or
           i32.const 97
           i32.sub
           i32.const 6
           i32.lt_u
          end
         else
          i32.const 0
         end
         if (result i32)
          local.get $3
          i32.load8_u offset=2
          local.tee $2
          i32.const 48
          i32.sub
          i32.const 10
          i32.lt_u
          if (result i32)
           i32.const 1
          else
           local.get $2
           i32.const 32
           i32.or
           i32.const 97
           i32.sub
           i32.const 6
           i32.lt_u
          end
         else
          i32.const 0
         end
        else
         i32.const 1
        end
        i32.eqz
        br_if $folding-inner0
       else
        local.get $4
        i32.const 4
        i32.eq
        if
         local.get $3
         i32.const 1
         i32.add
         local.tee $2
         local.get $1
         i32.ge_u
         if (result i32)
          i32.const 1
         else
          local.get $2
          i32.load8_u
          local.tee $4
          i32.const 10
          i32.eq
          if (result i32)
           i32.const 1
          else
           local.get $4
           i32.const 13
           i32.eq
           if (result i32)
            local.get $2
            i32.const 1
            i32.add
            local.get $1
            i32.eq
            if (result i32)
             i32.const 1
            else
             local.get $2
             i32.load8_u offset=1
             i32.const 10
             i32.eq
            end
           else
            i32.const 0
           end
          end
         end
         br_if $folding-inner0
         i32.const 1
         local.set $7
         local.get $3
         i32.const 1
         i32.add
         local.set $8
         i32.const 1
         local.set $5
        end
       end
      end
      local.get $0
     end
     local.set $2
     local.get $3
     i32.const 1
     i32.add
     local.set $3
     br $for-loop|2
    end
   end
   local.get $5
   if (result i32)
    local.get $8
    global.get $assembly/rewrite/lineStop
    local.get $8
    i32.sub
    call $assembly/rewrite/isSigningName
   else
    i32.const 0
   end
   br_if $folding-inner0
   local.get $7
   return
  end
  i32.const -1
 )
 (func $assembly/rewrite/rewriteLines (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (param $4 i32) (result i32)
  (local $5 i32)
  (local $6 i32)
  (local $7 i32)
  (local $8 i32)
  (local $9 i32)
  (local $10 i32)
  (local $11 i32)
  (local $12 i32)
  (local $13 i32)
  (local $14 i32)
  (local $15 i32)
  (local $16 i32)
  (local $17 i32)
  (local $18 i32)
  (local $19 i64)
  (local $20 i32)
  (local $21 i32)
  local.get $2
  i32.load
  local.set $11
  local.get $2
  i32.load offset=8
  local.set $13
  local.get $2
  i32.load offset=12
  local.set $14
  local.get $2
  i32.load offset=16
  local.set $12
  local.get $2
  i32.load offset=20
  local.set $15
  local.get $2
  i32.load offset=24
  local.set $16
  local.get $0
  local.get $1
  i32.add
  local.set $7
  local.get $3
  local.set $9
  local.get $4
  local.set $8
  local.get $0
  local.set $1
  local.get $2
  i32.load offset=4
  local.tee $17
  if (result i32)
   local.get $11
   i32.load8_u
  else
   i32.const 256
  end
  local.set $18
  loop $while-continue|0
   local.get $1
   local.get $7
   i32.lt_u
   if
    local.get $1
    i32.load8_u
    local.get $18
    i32.eq
    if
     local.get $1
     local.get $7
     local.get $11
     local.get $17
     local.get $13
     call $assembly/rewrite/scanLine
     local.tee $5
     i32.const -1
     i32.ne
     if (result i32)
      global.get $assembly/rewrite/lineStop
      local.get $1
      i32.sub
      i32.const 1
      i32.add
      local.get $12
      i32.add
      local.get $15
      i32.le_u
     else
      i32.const 0
     end
     if
      local.get $9
      local.get $1
      global.get $assembly/rewrite/lineStop
      local.get $1
      i32.sub
      call $assembly/bytes/copy
      local.tee $1
      i32.const 38
      i32.const 63
      local.get $5
      i32.const 1
      i32.eq
      select
      i32.store8
      local.get $1
      i32.const 1
      i32.add
      local.get $14
      local.get $12
      call $assembly/bytes/copy
      global.get $assembly/rewrite/lineStop
      global.get $assembly/rewrite/lineNl
      global.get $assembly/rewrite/lineStop
      i32.sub
      local.get $7
      global.get $assembly/rewrite/lineNl
      i32.gt_u
      i32.add
      call $assembly/bytes/copy
      local.set $9
      local.get $10
      i32.const 1
      i32.add
      local.set $10
      global.get $assembly/rewrite/lineNl
      i32.const 1
      i32.add
      local.get $7
      global.get $assembly/rewrite/lineNl
      local.get $7
      i32.lt_u
      select
      local.set $1
      br $while-continue|0
     end
    end
    local.get $1
    local.set $5
    loop $for-loop|0
     local.get $5
     i32.const 8
     i32.add
     local.tee $6
     local.get $7
     i32.le_u
     if
      local.get $5
      i64.load
      i64.const 723401728380766730
      i64.xor
      local.tee $19
      i64.const 72340172838076673
      i64.sub
      local.get $19
      i64.const -1
      i64.xor
      i64.and
      i64.const -9187201950435737472
      i64.and
      i64.eqz
      if
       local.get $6
       local.set $5
       br $for-loop|0
      end
     end
    end
    block $__inlined_func$assembly/rewrite/lineEnd$12
     loop $for-loop|1
      local.get $5
      local.get $7
      i32.lt_u
      if
       local.get $5
       i32.load8_u
       i32.const 10
       i32.eq
       br_if $__inlined_func$assembly/rewrite/lineEnd$12
       local.get $5
       i32.const 1
       i32.add
       local.set $5
       br $for-loop|1
      end
     end
     local.get $7
     local.set $5
    end
    local.get $5
    local.get $5
    i32.const 1
    i32.sub
    local.tee $6
    local.get $5
    local.get $1
    local.get $5
    i32.lt_u
    if (result i32)
     local.get $6
     i32.load8_u
     i32.const 13
     i32.eq
    else
     i32.const 0
    end
    select
    local.tee $20
    i32.sub
    local.get $5
    local.get $7
    i32.lt_u
    i32.add
    local.set $21
    local.get $20
    local.get $1
    i32.sub
    local.tee $6
    if (result i32)
     local.get $16
     i32.const 1
     i32.and
     if (result i32)
      local.get $1
      i32.load8_u
      i32.const 35
      i32.eq
     else
      i32.const 0
     end
    else
     i32.const 1
    end
    if
     local.get $9
     local.get $1
     local.get $6
     local.get $21
     i32.add
     call $assembly/bytes/copy
     local.set $9
    else
     local.get $8
     local.get $10
     i32.store
     local.get $8
     local.get $1
     local.get $0
     i32.sub
     i32.store offset=4
     local.get $8
     local.get $20
     local.get $0
     i32.sub
     i32.store offset=8
     local.get $8
     local.get $21
     i32.store offset=12
     local.get $8
     local.get $9
     local.get $3
     i32.sub
     i32.store offset=16
     local.get $8
     i32.const 20
     i32.add
     local.set $8
    end
    local.get $10
    i32.const 1
    i32.add
    local.set $10
    local.get $5
    i32.const 1
    i32.add
    local.get $7
    local.get $5
    local.get $7
    i32.lt_u
    select
    local.set $1
    br $while-continue|0
   end
  end
  local.get $2
  local.get $8
  local.get $4
  i32.sub
  i32.const 20
  i32.div_u
  i32.store offset=28
  local.get $9
  local.get $3
  i32.sub
 )
 (func $assembly/rewrite/countLines (param $0 i32) (param $1 i32) (result i32)
  (local $2 i32)
  (local $3 i32)
  (local $4 i32)
  (local $5 i64)
  local.get $0
  local.get $1
  i32.add
  local.set $4
  loop $for-loop|0
   local.get $0
   i32.const 8
   i32.add
   local.get $4
   i32.le_u
   if
    local.get $0
    i64.load
    i64.const 723401728380766730
    i64.xor
    local.tee $5
    i64.const 72340172838076673
    i64.sub
    local.get $5
    i64.const -1
    i64.xor
    i64.and
    i64.const -9187201950435737472
    i64.and
    i64.const 0
    i64.ne
    if
     i32.const 0
     local.set $3
     loop $for-loop|1
      local.get $3
      i32.const 8
      i32.lt_u
      if
       local.get $2
       i32.const 1
       i32.add
       local.get $2
       local.get $0
       local.get $3
       i32.add
       i32.load8_u
       i32.const 10
       i32.eq
       select
       local.set $2
       local.get $3
       i32.const 1
       i32.add
       local.set $3
       br $for-loop|1
      end
     end
    end
    local.get $0
    i32.const 8
    i32.add
    local.set $0
    br $for-loop|0
   end
  end
  loop $for-loop|2
   local.get $0
   local.get $4
   i32.lt_u
   if
    local.get $2
    i32.const 1
    i32.add
    local.get $2
    local.get $0
    i32.load8_u
    i32.const 10
    i32.eq
    select
    local.set $2
    local.get $0
    i32.const 1
    i32.add
    local.set $0
    br $for-loop|2
   end
  end
  local.get $2
  i32.const 1
  i32.add
  local.get $2
  local.get $1
  if (result i32)
   local.get $4
   i32.const 1
   i32.sub
   i32.load8_u
   i32.const 10
   i32.ne
  else
   i32.const 0
  end
  select
 )
 (func $assembly/policy/policiesWrite (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (result i32)
  (local $4 i32)
  (local $5 i32)
  (local $6 i32)
  (local $7 i32)
  (local $8 i32)
  local.get $2
  local.set $4
  local.get $3
  i32.const 0
  i32.store
  loop $for-loop|0
   local.get $1
   local.get $5
   i32.gt_u
   if
    local.get $0
    local.get $5
    i32.const 40
    i32.mul
    i32.add
    local.tee $7
    i32.load offset=16
    local.set $8
    local.get $4
    i32.const 1272
    i32.const 27
    call $assembly/bytes/copy
    local.get $7
    i32.load offset=20
    local.get $7
    i32.load offset=24
    call $assembly/json/writeEscaped
    i32.const 1299
    i32.const 47
    call $assembly/bytes/copy
    local.get $7
    f64.load
    i64.trunc_sat_f64_u
    call $assembly/json/writeDecimal
    local.tee $6
    i32.const 1
    i32.add
    local.set $4
    local.get $6
    i32.const 125
    i32.store8
    local.get $8
    i32.const 1
    i32.and
    if
     local.get $4
     i32.const 1346
     i32.const 30
     call $assembly/bytes/copy
     local.get $7
     i32.load offset=28
     local.get $7
     i32.load offset=32
     call $assembly/json/writeEscaped
     local.tee $4
     i32.const 32034
     i32.store16
     local.get $4
     i32.const 2
     i32.add
     local.set $4
    end
    local.get $8
    i32.const 2
    i32.and
    if
     local.get $4
     i32.const 1376
     i32.const 36
     call $assembly/bytes/copy
     local.get $7
     f64.load offset=8
     i64.trunc_sat_f64_u
     call $assembly/json/writeDecimal
     local.tee $6
     i32.const 1
     i32.add
     local.set $4
     local.get $6
     i32.const 125
     i32.store8
    end
    local.get $4
    i32.const 2103278973
    i32.store
    local.get $3
    local.get $5
    i32.const 1
    i32.add
    local.tee $5
    i32.const 2
    i32.shl
    i32.add
    local.get $4
    i32.const 4
    i32.add
    local.tee $4
    local.get $2
    i32.sub
    i32.store
    br $for-loop|0
   end
  end
  local.get $4
  local.get $2
  i32.sub
 )
 (func $assembly/policy/policiesSize (param $0 i32) (param $1 i32) (result f64)
  (local $2 i64)
  (local $3 i64)
  (local $4 i32)
  (local $5 i32)
  (local $6 i32)
  (local $7 i32)
  (local $8 i64)
  loop $for-loop|0
   local.get $1
   local.get $6
   i32.gt_u
   if
    local.get $0
    local.get $6
    i32.const 40
    i32.mul
    i32.add
    local.tee $5
    i32.load offset=16
    local.set $7
    local.get $5
    f64.load
    i64.trunc_sat_f64_u
    local.set $3
    i32.const 1
    local.set $4
    loop $while-continue|0
     local.get $3
     i64.const 10
     i64.ge_u
     if
      local.get $3
      i64.const 10000
      i64.ge_u
      if (result i64)
       local.get $4
       i32.const 4
       i32.add
       local.set $4
       local.get $3
       i64.const 10000
       i64.div_u
      else
       local.get $4
       i32.const 1
       i32.add
       local.set $4
       local.get $3
       i64.const 10
       i64.div_u
      end
      local.set $3
      br $while-continue|0
     end
    end
    local.get $4
    i64.extend_i32_u
    local.get $5
    i32.load offset=20
    local.get $5
    i32.load offset=24
    call $assembly/json/escapedLength
    i64.const 79
    i64.add
    i64.add
    local.set $2
    local.get $7
    i32.const 1
    i32.and
    if
     local.get $2
     local.get $5
     i32.load offset=28
     local.get $5
     i32.load offset=32
     call $assembly/json/escapedLength
     i64.const 32
     i64.add
     i64.add
     local.set $2
    end
    local.get $7
    i32.const 2
    i32.and
    if (result i64)
     local.get $5
     f64.load offset=8
     i64.trunc_sat_f64_u
     local.set $3
     i32.const 1
     local.set $4
     loop $while-continue|01
      local.get $3
      i64.const 10
      i64.ge_u
      if
       local.get $3
       i64.const 10000
       i64.ge_u
       if (result i64)
        local.get $4
        i32.const 4
        i32.add
        local.set $4
        local.get $3
        i64.const 10000
        i64.div_u
       else
        local.get $4
        i32.const 1
        i32.add
        local.set $4
        local.get $3
        i64.const 10
        i64.div_u
       end
       local.set $3
       br $while-continue|01
      end
     end
     local.get $2
     local.get $4
     i64.extend_i32_u
     i64.const 37
     i64.add
     i64.add
    else
     local.get $2
    end
    local.get $8
    i64.add
    local.set $8
    local.get $6
    i32.const 1
    i32.add
    local.set $6
    br $for-loop|0
   end
  end
  local.get $8
  f64.convert_i64_u
 )
 (func $assembly/index/heapBase (result i32)
  i32.const 2084
 )
 (func $assembly/index/base64Encode (param $0 i32) (param $1 i32) (param $2 i32) (result i32)
  local.get $2
  local.get $0
  local.get $1
  call $assembly/base64/writeBase64
  local.get $2
  i32.sub
 )
 (func $assembly/index/base64Decode (param $0 i32) (param $1 i32) (param $2 i32) (result i32)
  local.get $2
  local.get $0
  local.get $1
  call $assembly/base64/readBase64
 )
 (func $assembly/base64/readBase64 (param $0 i32) (param $1 i32) (param $2 i32) (result i32)
  (local $3 i32)
  (local $4 i32)
  (local $5 i32)
  (local $6 i32)
  (local $7 i32)
  (local $8 i32)
  block $folding-inner0
   local.get $2
   i32.const 3
   i32.and
   br_if $folding-inner0
   local.get $2
   i32.eqz
   if
    i32.const 0
    return
   end
   local.get $1
   local.get $2
   i32.add
   local.tee $3
   i32.const 1
   i32.sub
   i32.load8_u
   i32.const 95
   i32.eq
   if (result i32)
    i32.const 2
    i32.const 1
    local.get $3
    i32.const 2
    i32.sub
    i32.load8_u
    i32.const 95
    i32.eq
    select
   else
    i32.const 0
   end
   local.set $4
   local.get $0
   local.set $3
   local.get $1
   local.get $2
   i32.add
   i32.const 4
   i32.sub
   local.set $6
   loop $for-loop|0
    local.get $1
    local.get $6
    i32.lt_u
    if
     local.get $1
     i32.load8_u offset=3
     i32.const 1476
     i32.add
     i32.load8_u
     local.tee $7
     local.get $1
     i32.load8_u offset=2
     i32.const 1476
     i32.add
     i32.load8_u
     local.tee $2
     local.get $1
     i32.load8_u
     i32.const 1476
     i32.add
     i32.load8_u
     local.tee $5
     local.get $1
     i32.load8_u offset=1
     i32.const 1476
     i32.add
     i32.load8_u
     local.tee $8
     i32.or
     i32.or
     i32.or
     i32.const 128
     i32.and
     br_if $folding-inner0
     local.get $0
     local.get $5
     i32.const 18
     i32.shl
     local.get $8
     i32.const 12
     i32.shl
     i32.or
     local.get $2
     i32.const 6
     i32.shl
     i32.or
     local.get $7
     i32.or
     local.tee $2
     i32.const 16
     i32.shr_u
     i32.store8
     local.get $0
     local.get $2
     i32.const 8
     i32.shr_u
     i32.store8 offset=1
     local.get $0
     local.get $2
     i32.store8 offset=2
     local.get $0
     i32.const 3
     i32.add
     local.set $0
     local.get $1
     i32.const 4
     i32.add
     local.set $1
     br $for-loop|0
    end
   end
   local.get $1
   i32.load8_u offset=1
   i32.const 1476
   i32.add
   i32.load8_u
   local.tee $2
   local.get $1
   i32.load8_u
   i32.const 1476
   i32.add
   i32.load8_u
   local.tee $5
   i32.or
   i32.const 128
   i32.and
   br_if $folding-inner0
   local.get $4
   i32.const 2
   i32.eq
   if
    local.get $2
    i32.const 15
    i32.and
    br_if $folding-inner0
    local.get $0
    local.get $5
    i32.const 2
    i32.shl
    local.get $2
    i32.const 4
    i32.shr_u
    i32.or
    i32.store8
    local.get $0
    i32.const 1
    i32.add
    local.get $3
    i32.sub
    return
   end
   local.get $1
   i32.load8_u offset=2
   i32.const 1476
   i32.add
   i32.load8_u
   local.tee $6
   i32.const 128
   i32.and
   br_if $folding-inner0
   local.get $4
   i32.const 1
   i32.eq
   if
    local.get $6
    i32.const 3
    i32.and
    br_if $folding-inner0
    local.get $0
    local.get $5
    i32.const 2
    i32.shl
    local.get $2
    i32.const 4
    i32.shr_u
    i32.or
    i32.store8
    local.get $0
    local.get $2
    i32.const 4
    i32.shl
    local.get $6
    i32.const 2
    i32.shr_u
    i32.or
    i32.store8 offset=1
    local.get $0
    i32.const 2
    i32.add
    local.get $3
    i32.sub
    return
   end
   local.get $1
   i32.load8_u offset=3
   i32.const 1476
   i32.add
   i32.load8_u
   local.tee $1
   i32.const 128
   i32.and
   br_if $folding-inner0
   local.get $0
   local.get $5
   i32.const 2
   i32.shl
   local.get $2
   i32.const 4
   i32.shr_u
   i32.or
   i32.store8
   local.get $0
   local.get $2
   i32.const 4
   i32.shl
   local.get $6
   i32.const 2
   i32.shr_u
   i32.or
   i32.store8 offset=1
   local.get $0
   local.get $6
   i32.const 6
   i32.shl
   local.get $1
   i32.or
   i32.store8 offset=2
   local.get $0
   i32.const 3
   i32.add
   local.get $3
   i32.sub
   return
  end
  i32.const -1
 )
)
