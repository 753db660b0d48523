package journal

// The MySQL driver, registered for Open and AuditLog.
import _ "github.com/go-sql-driver/mysql"
