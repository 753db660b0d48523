package qc

// Test-only access to unexported names for the external tests.

var OIDExtension = oidExtension
var OIDPKIXQCSyntaxV1 = oidPKIXQCSyntaxV1
var OIDPKIXQCSyntaxV2 = oidPKIXQCSyntaxV2
var OIDQcCClegislation = oidQcCClegislation
var OIDQcCompliance = oidQcCompliance
var OIDQcLimitValue = oidQcLimitValue
var OIDQcPDS = oidQcPDS
var OIDQcRetentionPeriod = oidQcRetentionPeriod
var OIDQcSSCD = oidQcSSCD
var OIDQcType = oidQcType
var OIDQcTypeESeal = oidQcTypeESeal
var OIDQcTypeESign = oidQcTypeESign
var OIDQcTypeWeb = oidQcTypeWeb
var OIDSemanticsLegal = oidSemanticsLegal
var OIDSemanticsNatural = oidSemanticsNatural

var SemanticsName = semanticsName
